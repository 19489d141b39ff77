import { randomBytes } from 'node:crypto';
import type { ServerAddress } from './server-address.js';

/**
 * What an answer has to say for the probe to count as ok. `exists`: NOERROR (the name must resolve;
 * NXDOMAIN is a failure). `nonexistent`: a random name expected to be NXDOMAIN; NOERROR is accepted
 * too (a wildcard record is a configuration choice, not a broken server).
 */
export type Expectation = 'exists' | 'nonexistent';

export type QueryType = 'A' | 'NS';

export interface ProbeQuestion {
  /** Fully qualified, with the trailing dot. */
  readonly name: string;
  readonly type: QueryType;
  readonly expect: Expectation;
}

export type ServerRole = 'cluster' | 'upstream';

/** One server and what to ask it this cycle. */
export interface ProbePlan {
  readonly address: ServerAddress;
  readonly role: ServerRole;
  /** Each asked over UDP. */
  readonly udp: readonly ProbeQuestion[];
  /** Asked once over TCP (one TCP query per server per cycle: TCP fallback breaks separately). */
  readonly tcp: ProbeQuestion;
}

/** Bytes of randomness in the NXDOMAIN label: enough that no cache or wildcard test can predict it. */
const RANDOM_LABEL_BYTES = 6;

/** "name" or "name." -> "name."; the root stays ".". */
export function fullyQualified(name: string): string {
  return name.endsWith('.') ? name : `${name}.`;
}

/** A fresh label per cycle, so the NXDOMAIN probe is answered by the server, never from a negative cache. */
export function randomLabel(): string {
  return `nodedoc-probe-${randomBytes(RANDOM_LABEL_BYTES).toString('hex')}`;
}

/**
 * Cluster DNS: the API server's service name (must exist in every cluster), a random name under the
 * cluster domain (exercises the NXDOMAIN path every search-list lookup takes), and the extra names.
 */
export function clusterPlan(
  address: ServerAddress,
  clusterDomain: string,
  extraNames: readonly string[],
  label: string = randomLabel(),
): ProbePlan {
  const service: ProbeQuestion = {
    name: fullyQualified(`kubernetes.default.svc.${clusterDomain}`),
    type: 'A',
    expect: 'exists',
  };
  const udp: ProbeQuestion[] = [
    service,
    { name: fullyQualified(`${label}.${clusterDomain}`), type: 'A', expect: 'nonexistent' },
    ...extraNames.map((name) => ({
      name: fullyQualified(name),
      type: 'A' as const,
      expect: 'exists' as const,
    })),
  ];
  return { address, role: 'cluster', udp, tcp: service };
}

/** The root NS set: any recursive resolver can answer it, whatever the node's network allows. */
const ROOT_NS: ProbeQuestion = { name: '.', type: 'NS', expect: 'exists' };

/** Upstream resolvers: the extra names, or the root NS set when none were given. */
export function upstreamPlan(address: ServerAddress, extraNames: readonly string[]): ProbePlan {
  const udp: ProbeQuestion[] =
    extraNames.length > 0
      ? extraNames.map((name) => ({ name: fullyQualified(name), type: 'A', expect: 'exists' }))
      : [ROOT_NS];
  return { address, role: 'upstream', udp, tcp: udp[0] ?? ROOT_NS };
}
