import { describe, expect, it } from 'vitest';
import { renderThresholdTable } from '../../../agent/config/threshold-table.js';
import { defaultThresholds, parseThresholds, THRESHOLD_KEYS } from '../../../agent/config/thresholds.js';

describe('threshold table (README)', () => {
  it('lists every key once, with a default that --threshold parses back to the same value', () => {
    const rows = renderThresholdTable()
      .split('\n')
      .slice(2)
      .map((row) => /^\| `([^`]+)` \| `([^`]+)` \|/.exec(row));
    expect(rows.map((match) => match?.[1])).toEqual(THRESHOLD_KEYS);
    const overrides = rows.map((match) => `${match?.[1]}=${match?.[2]}`);
    expect(parseThresholds(overrides)).toEqual(defaultThresholds());
  });
});
