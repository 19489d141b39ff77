import { describe, expect, it } from 'vitest';
import { AGENT_FLAGS } from '../../../agent/config/agent-flags.js';
import { envName } from '../../../common/cli/flag-spec.js';
import { renderFlagTable, renderUsage } from '../../../common/cli/usage.js';

describe('renderUsage', () => {
  const text = renderUsage('nodedoc-agent', ['--once [flags]'], AGENT_FLAGS);
  const lines = text.split('\n');

  it('starts with the synopsis under the program name', () => {
    expect(lines.slice(0, 2)).toEqual(['Usage:', '  nodedoc-agent --once [flags]']);
  });

  it('lists every agent flag once, with its placeholder and repeatability', () => {
    for (const spec of AGENT_FLAGS) {
      const heading = `  --${spec.name}${spec.type === 'string' ? ` ${spec.placeholder ?? 'VALUE'}` : ''}${spec.repeatable ? ' (repeatable)' : ''}`;
      expect(
        lines.filter((line) => line === heading),
        spec.name,
      ).toHaveLength(1);
    }
    expect(lines.filter((line) => line.startsWith('  --'))).toHaveLength(AGENT_FLAGS.length);
  });

  it('gives every flag its environment variable and default, right under its heading', () => {
    for (const spec of AGENT_FLAGS) {
      const index = lines.findIndex(
        (line) => line.startsWith(`  --${spec.name}`) && !line.startsWith(`  --${spec.name}-`),
      );
      const description = lines[index + 1] ?? '';
      expect(description, spec.name).toContain(spec.description);
      const env = envName(spec);
      if (env) expect(description, spec.name).toContain(`env ${env}`);
      else expect(description, spec.name).not.toContain('env NODEDOC_');
      if (spec.defaultText !== undefined)
        expect(description, spec.name).toContain(`default ${spec.defaultText}`);
    }
  });
});

describe('renderFlagTable', () => {
  it('has a header and one row per flag naming its environment variable', () => {
    const rows = renderFlagTable(AGENT_FLAGS).split('\n');
    expect(rows).toHaveLength(AGENT_FLAGS.length + 2);
    AGENT_FLAGS.forEach((spec, index) => {
      const row = rows[index + 2] ?? '';
      expect(row.startsWith(`| \`--${spec.name}`)).toBe(true);
      const env = envName(spec);
      if (env) expect(row).toContain(`\`${env}\``);
    });
  });
});
