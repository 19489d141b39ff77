import { formatRatio } from '../../common/bytes.js';
import type { SeverityString } from '../../common/ids.js';
import type { Check } from './check.js';
import { finding } from './check.js';

/** Threads against pid_max/threads-max and file handles against file-max. */
export const processesChecks: Check = ({ processes }, t) => {
  if (processes.status !== 'ok') return [];
  const warning = t['pids-warning-ratio'];
  const critical = t['pids-critical-ratio'];
  const level = (ratio: number): SeverityString | undefined =>
    ratio >= critical ? 'critical' : ratio >= warning ? 'warning' : undefined;
  const findings = [];
  const threadLevel = level(processes.threadsRatio);
  if (threadLevel) {
    const limit = Math.min(processes.pidMax, processes.threadsMax);
    findings.push(
      finding(
        'pid-headroom',
        threadLevel,
        `${processes.threads} threads in use, ${formatRatio(processes.threadsRatio)} of the limit ${limit} (pid_max ${processes.pidMax}, threads-max ${processes.threadsMax}): fork() will start failing.`,
        processes.threadsRatio,
        threadLevel === 'critical' ? critical : warning,
      ),
    );
  }
  const fdLevel = level(processes.fileHandlesRatio);
  if (fdLevel) {
    findings.push(
      finding(
        'fd-headroom',
        fdLevel,
        `${processes.fileHandlesAllocated} file handles allocated, ${formatRatio(processes.fileHandlesRatio)} of fs.file-max ${processes.fileHandlesMax}: open() will start failing with ENFILE.`,
        processes.fileHandlesRatio,
        fdLevel === 'critical' ? critical : warning,
      ),
    );
  }
  return findings;
};
