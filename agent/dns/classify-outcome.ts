import type { DnsOutcome, DnsProbeResult } from '../sample-types.js';
import type { ProbeQuestion } from './probe-plan.js';
import type { QueryResult } from './query-result.js';

/** hrtime has nanosecond resolution; rounding to it only drops float noise from the JSON. */
const LATENCY_DIGITS = 9;

function answerOutcome(question: ProbeQuestion, rcode: string): DnsOutcome {
  switch (rcode) {
    case 'NOERROR':
      return 'ok';
    case 'NXDOMAIN':
      return question.expect === 'nonexistent' ? 'ok' : 'rcode';
    case 'REFUSED':
      // The server is there but will not serve us: an ACL, a rate limit, or a resolver with no upstream.
      return 'refused';
    default:
      return 'rcode';
  }
}

/**
 * Judges one query's result: an answer is ok when its rcode is what the name should produce, and late
 * when it was ok but slower than `lateSeconds` (the dns-latency-seconds threshold).
 */
export function classifyProbe(
  question: ProbeQuestion,
  protocol: 'udp' | 'tcp',
  result: QueryResult,
  lateSeconds: number,
): DnsProbeResult {
  const base = { name: question.name, type: question.type, protocol };
  if (result.kind !== 'answer') {
    return { ...base, outcome: result.kind, latencySeconds: null, rcode: null, error: result.reason };
  }
  const latencySeconds = Number(result.latencySeconds.toFixed(LATENCY_DIGITS));
  const judged = answerOutcome(question, result.rcode);
  const outcome = judged === 'ok' && result.latencySeconds > lateSeconds ? 'late' : judged;
  return { ...base, outcome, latencySeconds, rcode: result.rcode };
}

/** Outcomes that mean the client got no usable answer; a late answer is slow, not failed. */
export function isFailure(outcome: DnsOutcome): boolean {
  return outcome !== 'ok' && outcome !== 'late';
}
