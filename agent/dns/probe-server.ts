import type { DnsProbeResult } from '../sample-types.js';
import { classifyProbe } from './classify-outcome.js';
import type { ProbePlan } from './probe-plan.js';
import type { QueryOptions } from './query-result.js';
import { queryTcp } from './tcp-query.js';
import { queryUdp } from './udp-query.js';

export interface ProbeServerOptions extends QueryOptions {
  /** Answers slower than this are `late` (the dns-latency-seconds threshold). */
  readonly lateSeconds: number;
}

/**
 * Runs one server's probes for this cycle, all at once: a cycle then takes at most one timeout however
 * many names are asked, and concurrent queries are what a node's pods send anyway. UDP results come
 * first, in plan order, then the TCP one.
 */
export async function probeServer(plan: ProbePlan, options: ProbeServerOptions): Promise<DnsProbeResult[]> {
  const udp = plan.udp.map(async (question) =>
    classifyProbe(question, 'udp', await queryUdp(plan.address, question, options), options.lateSeconds),
  );
  const tcp = (async () =>
    classifyProbe(plan.tcp, 'tcp', await queryTcp(plan.address, plan.tcp, options), options.lateSeconds))();
  return Promise.all([...udp, tcp]);
}
