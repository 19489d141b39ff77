import { VERSION } from '../common/version.js';
import type { Finding } from './finding.js';
import type { Inventory } from './inventory.js';
import type { Samples } from './sample-types.js';
import type { SampleCycle } from './sampler.js';

/** The document `nodedoc-agent --once --json` prints; also the payload of a report on the wire. */
export interface AgentReport {
  readonly node: string;
  /** null when /proc/sys/kernel/random/boot_id could not be read. */
  readonly bootId: string | null;
  /** When the (last) sample was taken, ISO 8601. */
  readonly time: string;
  readonly agent: { readonly version: string };
  readonly host: Inventory;
  readonly samples: Samples;
  readonly findings: readonly Finding[];
  /** How long sampling took, for spotting a slow reader. */
  readonly sampleDurationSeconds: number;
}

export function buildReport(
  node: string,
  host: Inventory,
  cycle: SampleCycle,
  findings: readonly Finding[],
): AgentReport {
  const { identity } = cycle.samples;
  return {
    node,
    bootId: identity.status === 'ok' ? identity.bootId : null,
    time: cycle.startedAt.toISOString(),
    agent: { version: VERSION },
    host,
    samples: cycle.samples,
    findings,
    sampleDurationSeconds: Number(cycle.durationSeconds.toFixed(6)),
  };
}
