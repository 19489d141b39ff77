import type { Thresholds } from '../config/thresholds.js';
import type { Finding } from '../finding.js';
import type { Samples } from '../sample-types.js';
import { certificateChecks } from './certificate.js';
import type { Check } from './check.js';
import { conntrackChecks } from './conntrack.js';
import { cpuChecks } from './cpu.js';
import { diskChecks } from './disk.js';
import { dnsChecks } from './dns.js';
import { endpointChecks } from './endpoints.js';
import { identityChecks } from './identity.js';
import { ioChecks } from './io.js';
import { kernelChecks } from './kernel.js';
import { memoryChecks } from './memory.js';
import { processesChecks } from './processes.js';
import { runtimeChecks } from './runtime.js';

const CHECKS: readonly Check[] = [
  endpointChecks,
  runtimeChecks,
  memoryChecks,
  kernelChecks,
  diskChecks,
  ioChecks,
  cpuChecks,
  processesChecks,
  conntrackChecks,
  dnsChecks,
  certificateChecks,
  identityChecks,
];

const SEVERITY_ORDER = { critical: 0, warning: 1, info: 2 } as const;

/** Runs every check on one cycle's samples; findings come out most severe first. */
export function evaluate(samples: Samples, thresholds: Thresholds): Finding[] {
  return CHECKS.flatMap((check) => check(samples, thresholds)).sort(
    (a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity],
  );
}
