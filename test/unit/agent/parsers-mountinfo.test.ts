import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SignalError } from '../../../agent/host/read-text.js';
import { type MountEntry, mountFor, parseMountinfo } from '../../../agent/parsers/mountinfo.js';

const HOSTS = new URL('../../fixtures/hosts/', import.meta.url);
const PROC = new URL('../../fixtures/proc/', import.meta.url);
const read = (base: URL, file: string): string => readFileSync(new URL(file, base), 'utf8');

describe('parseMountinfo on the captured /proc/1/mountinfo', () => {
  const mounts = parseMountinfo('/proc/1/mountinfo', read(HOSTS, 'debian12-healthy/proc/1/mountinfo'));

  it('reads every line (no optional fields on this host)', () => {
    expect(mounts).toHaveLength(19);
    expect(mounts.find((mount) => mount.mountPoint === '/')).toEqual({
      mountPoint: '/',
      fsType: 'ext4',
      source: '/dev/vda',
      readOnly: false,
    });
  });

  it('keeps stacked mounts in order (/dev/shm is mounted twice on this host)', () => {
    expect(mounts.filter((mount) => mount.mountPoint === '/dev/shm')).toHaveLength(2);
  });
});

describe('parseMountinfo on a kubelet node layout (hand-written, see test/fixtures/README.md)', () => {
  const mounts = parseMountinfo('/proc/1/mountinfo', read(PROC, 'mountinfo-kubelet-node'));
  const at = (point: string): MountEntry[] => mounts.filter((mount) => mount.mountPoint === point);

  it('skips lines that are not mounts (no " - " separator, too few fields)', () => {
    expect(mounts).toHaveLength(14);
    expect(at('/broken')).toEqual([]);
  });

  it('finds fs type and source after any number of optional fields', () => {
    expect(at('/var/lib/containerd')).toEqual([
      { mountPoint: '/var/lib/containerd', fsType: 'xfs', source: '/dev/vdb', readOnly: false },
    ]);
    // "shared:31 master:4 propagate_from:2" before the separator.
    expect(at('/var/lib/kubelet/pods/1f1d/volumes/kubernetes.io~empty-dir/my cache')).toEqual([
      {
        mountPoint: '/var/lib/kubelet/pods/1f1d/volumes/kubernetes.io~empty-dir/my cache',
        fsType: 'tmpfs',
        source: 'tmpfs',
        readOnly: false,
      },
    ]);
    // No optional field at all, and the single word "unbindable".
    expect(at('/mnt/tab\tdir')).toHaveLength(1);
    expect(at('/mnt/back\\slash')).toHaveLength(1);
  });

  it('decodes octal escapes (\\040 space, \\011 tab, \\134 backslash) in mount points and sources', () => {
    expect(at('/mnt/share')[0]?.source).toBe('//fileserver/team share');
    expect(mounts.some((mount) => mount.mountPoint.includes('\\0'))).toBe(false);
  });

  it('marks read-only from the per-mount options or the superblock options', () => {
    // Per-mount "ro" (a read-only tmpfs stacked on the kubelet root).
    expect(at('/var/lib/kubelet').map((mount) => mount.readOnly)).toEqual([false, true]);
    // Superblock "ro" under a per-mount "rw": ext4 remounted read-only after an error.
    expect(at('/data')[0]?.readOnly).toBe(true);
    expect(at('/')[0]?.readOnly).toBe(false);
  });

  it('throws SignalError when no line is a mount (garbage or a truncated first line)', () => {
    for (const text of ['', 'garbage\n', '22 27 0:21 / /proc rw,rel']) {
      expect(() => parseMountinfo('/proc/1/mountinfo', text)).toThrow(
        new SignalError('/proc/1/mountinfo: no well-formed mount line'),
      );
    }
  });
});

describe('mountFor', () => {
  const mounts = parseMountinfo('/proc/1/mountinfo', read(PROC, 'mountinfo-kubelet-node'));

  it('picks the longest mount point that is a path prefix', () => {
    expect(mountFor(mounts, '/var/lib/containerd/io.containerd.content.v1.content')?.fsType).toBe('xfs');
    expect(
      mountFor(mounts, '/var/lib/kubelet/pods/1f1d/volumes/kubernetes.io~empty-dir/my cache/data')
        ?.mountPoint,
    ).toBe('/var/lib/kubelet/pods/1f1d/volumes/kubernetes.io~empty-dir/my cache');
  });

  it('takes the top of a stack: the mount listed last at the same point', () => {
    expect(mountFor(mounts, '/var/lib/kubelet')).toMatchObject({ fsType: 'tmpfs', readOnly: true });
    expect(mountFor(mounts, '/var/lib/kubelet/pods/other')).toMatchObject({
      fsType: 'tmpfs',
      readOnly: true,
    });
  });

  it('matches whole path components only: /var/lib/kubeletfoo is not under /var/lib/kubelet', () => {
    expect(mountFor(mounts, '/var/lib/kubeletfoo')?.mountPoint).toBe('/');
  });

  it('falls back to / and is undefined without a root mount', () => {
    expect(mountFor(mounts, '/home/user')?.mountPoint).toBe('/');
    expect(
      mountFor(
        mounts.filter((mount) => mount.mountPoint !== '/'),
        '/home/user',
      ),
    ).toBeUndefined();
    expect(mountFor([], '/')).toBeUndefined();
  });
});
