import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ApiClient } from '../../../cli/api-client.js';
import type { Command, CommandContext } from '../../../cli/command.js';
import { nodesCommand } from '../../../cli/commands/nodes.js';
import { timelineCommand } from '../../../cli/commands/timeline.js';
import { whyCommand } from '../../../cli/commands/why.js';
import { Style } from '../../../cli/render/style.js';
import type { NodeDetailJson, NodeSummaryJson, TimelineJson } from '../../../common/api/http-v1.js';

const fixture = <T>(name: string): T =>
  JSON.parse(readFileSync(new URL(`../../fixtures/api/${name}`, import.meta.url), 'utf8')) as T;

const NODES = fixture<NodeSummaryJson[]>('nodes.json');
const DETAIL = fixture<NodeDetailJson>('node-detail-kubelet-down.json');
const TIMELINE = fixture<TimelineJson>('timeline.json');

/** An ApiClient answering from the captured documents, so rendering is tested without a network. */
class FixtureApi extends ApiClient {
  constructor(private readonly documents: Record<string, unknown>) {
    super(new URL('http://collector.example:8080'), 1_000);
  }

  override async get<T>(path: string): Promise<T> {
    const document = this.documents[path.split('?')[0] as string];
    if (document === undefined) throw new Error(`no fixture for ${path}`);
    return document as T;
  }
}

function run(command: Command, overrides: Partial<CommandContext> = {}): Promise<string> {
  return command.run({
    api: new FixtureApi({
      '/api/v1/nodes': NODES,
      '/api/v1/nodes/worker-7': DETAIL,
      '/api/v1/nodes/worker-7/timeline': TIMELINE,
    }),
    format: 'table',
    style: new Style(false),
    nowMs: Date.parse(DETAIL.lastSeen) + 5_000,
    args: ['worker-7'],
    since: undefined,
    ...overrides,
  });
}

describe('nodedoc nodes', () => {
  it('lists the worst first, with status, staleness and the top cause', async () => {
    const lines = (await run(nodesCommand, { args: [] })).trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NODE\s+STATUS\s+LAST SEEN\s+TOP CAUSE$/);
    expect(lines[1]).toMatch(
      /^worker-7\s+NotReady\s+\d+s ago\s+kubelet-down \(critical\): The kubelet failed/,
    );
    expect(lines[2]).toMatch(/^test-node-1\s+Unreachable\s+\d+s ago\s+node-unreachable \(critical\)/);
  });

  it('-o json prints the API document unchanged', async () => {
    expect(JSON.parse(await run(nodesCommand, { args: [], format: 'json' }))).toEqual(NODES);
  });
});

describe('nodedoc why', () => {
  it('prints status, ranked causes with evidence, and absolute runbook links', async () => {
    const text = await run(whyCommand);
    expect(text.split('\n')[0]).toBe(
      `worker-7  NotReady  last seen 5s ago  boot ${DETAIL.bootId?.slice(0, 8)}`,
    );
    const ranks = [...text.matchAll(/^(\d)\. (\S+)\s+(\S+)/gm)].map((m) => [m[1], m[2], m[3]]);
    expect(ranks).toEqual(DETAIL.causes.map((cause, index) => [String(index + 1), cause.id, cause.severity]));
    expect(text).toContain('runbook: http://collector.example:8080/runbooks/kubelet-down');
    expect(text).toContain(`   ${DETAIL.causes[0]?.summary}`);
  });

  it('carries no escape codes when colour is off, and colours the status when on', async () => {
    expect(await run(whyCommand)).not.toContain('\u001b[');
    expect(await run(whyCommand, { style: new Style(true) })).toContain('\u001b[31mNotReady\u001b[0m');
  });
});

describe('nodedoc timeline', () => {
  it('prints one row per report with the measured vitals and the findings', async () => {
    const lines = (await run(timelineCommand)).trimEnd().split('\n');
    expect(lines).toHaveLength(TIMELINE.points.length + 1);
    const first = TIMELINE.points[0];
    expect(lines[1]).toContain(first?.sampledAt);
    expect(lines[1]).toContain(`${((first?.vitals.cpuPressureRatio ?? 0) * 100).toFixed(0)}%`);
    expect(lines[1]).toContain('kubelet-down(critical)');
  });
});
