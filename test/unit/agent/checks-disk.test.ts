import { describe, expect, it } from 'vitest';
import { diskChecks } from '../../../agent/checks/disk.js';
import { defaultThresholds } from '../../../agent/config/thresholds.js';
import { absent, ok, unavailable } from '../../../agent/reading.js';
import type { FilesystemRole, FilesystemSample } from '../../../agent/sample-types.js';
import { byCheck, samplesWith } from '../../harness/samples.js';

const GIB = 2 ** 30;
const t = defaultThresholds();

/** A 100 GiB filesystem with the given free share; used is the rest (no root-reserved blocks). */
function fs(
  path: string,
  role: FilesystemRole,
  fields: Partial<Extract<FilesystemSample, { status: 'ok' }>> = {},
): FilesystemSample {
  const availableRatio = fields.availableRatio ?? 0.5;
  return ok({
    path,
    role,
    sizeBytes: 100 * GIB,
    availableBytes: Math.round(availableRatio * 100 * GIB),
    availableRatio,
    usedRatio: 1 - availableRatio,
    inodes: 1_000_000,
    inodesFree: 500_000,
    inodesFreeRatio: 0.5,
    mountPoint: path,
    readOnly: false,
    ...fields,
  });
}

const disk = (...filesystems: FilesystemSample[]) => samplesWith({ disk: ok({ filesystems }) });

describe('diskChecks: free space', () => {
  it('is critical disk-pressure just below 10% free on nodefs, naming the path', () => {
    const findings = diskChecks(disk(fs('/var/lib/kubelet', 'nodefs', { availableRatio: 0.0999 })), t);
    expect(findings).toEqual([
      expect.objectContaining({
        check: 'disk-space',
        cause: 'disk-pressure',
        severity: 'critical',
        value: 0.0999,
        threshold: 0.1,
        subject: '/var/lib/kubelet',
      }),
    ]);
  });

  it('is not critical at exactly 10% free on nodefs', () => {
    const at = diskChecks(
      disk(fs('/var/lib/kubelet', 'nodefs', { availableRatio: 0.1, usedRatio: 0.85 })),
      t,
    );
    expect(at).toEqual([]);
  });

  it('uses 15% for imagefs and 10% for rootfs', () => {
    const image = (ratio: number) =>
      diskChecks(disk(fs('/var/lib/containerd', 'imagefs', { availableRatio: ratio, usedRatio: 0.5 })), t);
    expect(image(0.1499)[0]).toMatchObject({ severity: 'critical', threshold: 0.15 });
    expect(image(0.15)).toEqual([]);
    const root = (ratio: number) =>
      diskChecks(disk(fs('/', 'rootfs', { availableRatio: ratio, usedRatio: 0.5 })), t);
    expect(root(0.0999)[0]).toMatchObject({ severity: 'critical', threshold: 0.1 });
    expect(root(0.1)).toEqual([]);
  });

  it('warns when used goes just above 85% (image GC high threshold), silent at 85%', () => {
    const used = (ratio: number) =>
      diskChecks(disk(fs('/var/lib/kubelet', 'nodefs', { availableRatio: 0.14, usedRatio: ratio })), t);
    expect(used(0.8501)).toEqual([
      expect.objectContaining({ check: 'disk-space', severity: 'warning', value: 0.8501, threshold: 0.85 }),
    ]);
    expect(used(0.85)).toEqual([]);
  });

  it('reports the critical finding, not also the warning, for one filesystem', () => {
    const findings = diskChecks(
      disk(fs('/var/lib/kubelet', 'nodefs', { availableRatio: 0.02, usedRatio: 0.98 })),
      t,
    );
    expect(findings.map((finding) => finding.severity)).toEqual(['critical']);
  });
});

describe('diskChecks: inodes', () => {
  const inodes = (ratio: number | null) =>
    byCheck(diskChecks(disk(fs('/var/lib/kubelet', 'nodefs', { inodesFreeRatio: ratio })), t), 'disk-inodes');

  it('is critical inode-exhaustion just below 5% free', () => {
    expect(inodes(0.0499)).toEqual([
      expect.objectContaining({
        cause: 'inode-exhaustion',
        severity: 'critical',
        value: 0.0499,
        threshold: 0.05,
        subject: '/var/lib/kubelet',
      }),
    ]);
  });

  it('is silent at exactly 5% and on filesystems without an inode table (null)', () => {
    expect(inodes(0.05)).toEqual([]);
    expect(inodes(null)).toEqual([]);
  });
});

describe('diskChecks: read-only mounts', () => {
  it('is critical readonly-filesystem when the kubelet root sits on a read-only mount', () => {
    const findings = diskChecks(
      disk(fs('/var/lib/kubelet', 'nodefs', { mountPoint: '/var', readOnly: true })),
      t,
    );
    expect(findings).toEqual([
      expect.objectContaining({
        check: 'readonly-filesystem',
        cause: 'readonly-filesystem',
        severity: 'critical',
        subject: '/var/lib/kubelet',
        value: 1,
        threshold: null,
      }),
    ]);
    expect(findings[0]?.summary).toContain('/var/lib/kubelet sits on /var mounted read-only');
  });

  it('does not report a read-only root filesystem (Bottlerocket, Flatcar, COS)', () => {
    expect(diskChecks(disk(fs('/', 'rootfs', { readOnly: true })), t)).toEqual([]);
  });

  it('is silent when the mount flags are unknown (null)', () => {
    expect(
      diskChecks(disk(fs('/var/lib/kubelet', 'nodefs', { readOnly: null, mountPoint: null })), t),
    ).toEqual([]);
  });
});

describe('diskChecks: two paths on one mount', () => {
  const full = { availableRatio: 0.05, usedRatio: 0.95, inodesFreeRatio: 0.01, mountPoint: '/' };

  it('reports the shared filesystem once, under nodefs, whatever the order', () => {
    const findings = diskChecks(
      disk(
        fs('/var/lib/containerd', 'imagefs', full),
        fs('/var/lib/kubelet', 'nodefs', full),
        fs('/', 'rootfs', full),
      ),
      t,
    );
    expect(findings.map((finding) => [finding.check, finding.subject, finding.threshold])).toEqual([
      ['disk-space', '/var/lib/kubelet', 0.1],
      ['disk-inodes', '/var/lib/kubelet', 0.05],
    ]);
  });

  it('reports separate filesystems separately', () => {
    const findings = diskChecks(
      disk(
        fs('/var/lib/kubelet', 'nodefs', { ...full, mountPoint: '/var/lib/kubelet' }),
        fs('/var/lib/containerd', 'imagefs', { ...full, mountPoint: '/var/lib/containerd' }),
      ),
      t,
    );
    expect(byCheck(findings, 'disk-space').map((finding) => finding.subject)).toEqual([
      '/var/lib/kubelet',
      '/var/lib/containerd',
    ]);
  });

  it('falls back to the path as the key when the mount point is unknown', () => {
    const unknownMount = { ...full, mountPoint: null };
    const findings = diskChecks(
      disk(
        fs('/var/lib/kubelet', 'nodefs', unknownMount),
        fs('/var/lib/containerd', 'imagefs', unknownMount),
      ),
      t,
    );
    expect(byCheck(findings, 'disk-space')).toHaveLength(2);
  });
});

describe('diskChecks: readings that are not ok', () => {
  it('skips absent and unavailable filesystems and an unavailable disk signal', () => {
    const missing: FilesystemSample = { ...absent('no such file'), path: '/var/lib/kubelet', role: 'nodefs' };
    const broken: FilesystemSample = { ...unavailable('EIO'), path: '/data', role: 'nodefs' };
    expect(diskChecks(disk(missing, broken), t)).toEqual([]);
    expect(diskChecks(samplesWith({ disk: unavailable('no --disk-path configured') }), t)).toEqual([]);
  });
});
