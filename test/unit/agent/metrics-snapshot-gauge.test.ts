import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { CycleBoard } from '../../../agent/cycle-board.js';
import { snapshotGauge } from '../../../agent/metrics/snapshot-gauge.js';
import type { AgentReport } from '../../../agent/report.js';

/** The gauge reads only the board; a minimal report stands in for a full cycle. */
function boardWith(report: Partial<AgentReport> | undefined): CycleBoard {
  const board = new CycleBoard();
  if (report) board.publish(report as AgentReport);
  return board;
}

describe('snapshotGauge', () => {
  it('exports no series (not 0) for an unlabelled gauge whose signal gave no value', async () => {
    const registry = new Registry();
    snapshotGauge(registry, boardWith({}), { name: 'test_available_bytes', help: 'h' }, () => []);
    const text = await registry.metrics();
    expect(text).toContain('# TYPE test_available_bytes gauge');
    expect(text).not.toMatch(/^test_available_bytes /m);
  });

  it('exports no series before the first cycle', async () => {
    const registry = new Registry();
    snapshotGauge(registry, boardWith(undefined), { name: 'test_up', help: 'h' }, () => [[{}, 1]]);
    expect(await registry.metrics()).not.toMatch(/^test_up /m);
  });

  it('exports the latest values and drops series that vanished since the previous scrape', async () => {
    const registry = new Registry();
    const board = boardWith({ node: 'a' });
    let series: [Record<string, string>, number][] = [
      [{ path: '/a' }, 1],
      [{ path: '/b' }, 2],
    ];
    snapshotGauge(registry, board, { name: 'test_files', help: 'h', labelNames: ['path'] }, () => series);
    expect(await registry.metrics()).toMatch(/^test_files\{path="\/b"\} 2$/m);
    series = [[{ path: '/a' }, 3]];
    const text = await registry.metrics();
    expect(text).toMatch(/^test_files\{path="\/a"\} 3$/m);
    expect(text).not.toContain('path="/b"');
  });

  it('skips non-finite values instead of exporting NaN', async () => {
    const registry = new Registry();
    snapshotGauge(registry, boardWith({}), { name: 'test_ratio', help: 'h' }, () => [[{}, Number.NaN]]);
    expect(await registry.metrics()).not.toMatch(/^test_ratio /m);
  });
});
