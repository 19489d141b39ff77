import { formatBytes, formatRatio } from '../../common/bytes.js';
import type { Thresholds } from '../config/thresholds.js';
import type { Finding } from '../finding.js';
import type { FilesystemRole, FilesystemSample } from '../sample-types.js';
import type { Check } from './check.js';
import { finding } from './check.js';

type OkFilesystem = Extract<FilesystemSample, { status: 'ok' }>;

/** When two paths share a filesystem, report it once under the role that matters most to the kubelet. */
const ROLE_ORDER: readonly FilesystemRole[] = ['nodefs', 'imagefs', 'rootfs'];

function availableThreshold(role: FilesystemRole, t: Thresholds): number {
  return role === 'imagefs' ? t['imagefs-available-ratio'] : t['nodefs-available-ratio'];
}

function spaceFinding(fs: OkFilesystem, t: Thresholds): Finding | undefined {
  const limit = availableThreshold(fs.role, t);
  const where = `${fs.path} (${fs.role}${fs.mountPoint && fs.mountPoint !== fs.path ? ` on ${fs.mountPoint}` : ''})`;
  if (fs.availableRatio < limit) {
    return finding(
      'disk-space',
      'critical',
      `${where} has ${formatBytes(fs.availableBytes)} free of ${formatBytes(fs.sizeBytes)} (${formatRatio(fs.availableRatio)}), below ${formatRatio(limit)}: the kubelet evicts pods and garbage-collects images at this level.`,
      fs.availableRatio,
      limit,
      { subject: fs.path },
    );
  }
  const used = t['disk-used-warning-ratio'];
  if (fs.usedRatio > used) {
    return finding(
      'disk-space',
      'warning',
      `${where} is ${formatRatio(fs.usedRatio)} full (above ${formatRatio(used)}, the image GC high threshold); ${formatBytes(fs.availableBytes)} left.`,
      fs.usedRatio,
      used,
      { subject: fs.path },
    );
  }
  return undefined;
}

/** Space, inodes and read-only mounts of the watched filesystems. */
export const diskChecks: Check = ({ disk }, t) => {
  if (disk.status !== 'ok') return [];
  const seen = new Set<string>();
  const findings: Finding[] = [];
  const ordered = disk.filesystems
    .filter((fs): fs is OkFilesystem => fs.status === 'ok')
    .sort((a, b) => ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role));
  for (const fs of ordered) {
    const key = fs.mountPoint ?? fs.path;
    if (seen.has(key)) continue;
    seen.add(key);
    const space = spaceFinding(fs, t);
    if (space) findings.push(space);
    const inodeLimit = t['inodes-free-ratio'];
    if (fs.inodesFreeRatio !== null && fs.inodesFreeRatio < inodeLimit) {
      findings.push(
        finding(
          'disk-inodes',
          'critical',
          `${fs.path} has ${fs.inodesFree} of ${fs.inodes} inodes free (${formatRatio(fs.inodesFreeRatio)}), below ${formatRatio(inodeLimit)}: new files fail with ENOSPC although space is left.`,
          fs.inodesFreeRatio,
          inodeLimit,
          { subject: fs.path },
        ),
      );
    }
    // Read-only roots are normal on image-based distributions (Bottlerocket, Flatcar, COS); the kubelet's
    // and the runtime's state directories never are.
    if (fs.readOnly === true && fs.role !== 'rootfs') {
      findings.push(
        finding(
          'readonly-filesystem',
          'critical',
          `${fs.path} sits on ${fs.mountPoint ?? 'a mount'} mounted read-only: the kubelet cannot write pod state and containers cannot start.`,
          1,
          null,
          { subject: fs.path },
        ),
      );
    }
  }
  return findings;
};
