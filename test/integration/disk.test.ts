import { statfs } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { FilesystemSample } from '../../agent/sample-types.js';
import { agentOnce, findingsFor, onlyFinding } from '../harness/agent-process.js';
import { requires } from '../harness/system-requirements.js';
import { mountTmpfs, type Tmpfs } from '../harness/tmpfs.js';

/**
 * Real filesystems in real trouble: tmpfs mounts made by the test, filled to the brim with data, run out
 * of inodes, or remounted read-only, watched by the built agent with --disk-path.
 */

/** Big enough to hold a few files, small enough to fill in milliseconds. */
const TMPFS_SIZE = '16M';
const TMPFS_SIZE_BYTES = 16 * 2 ** 20;
/** The root directory takes one of these; the test takes the rest with empty files. */
const TMPFS_INODES = 64;
/** Defaults of the checks under test (agent/config/thresholds.ts): nodefs.available and nodefs.inodesFree. */
const NODEFS_AVAILABLE_RATIO = 0.1;
const INODES_FREE_RATIO = 0.05;

type OkFilesystem = Extract<FilesystemSample, { status: 'ok' }>;

function onlyFilesystem(report: Awaited<ReturnType<typeof agentOnce>>): OkFilesystem {
  const disk = report.samples.disk;
  if (disk.status !== 'ok') throw new Error(`disk signal is ${disk.status}: ${JSON.stringify(disk)}`);
  expect(disk.filesystems).toHaveLength(1);
  const fs = disk.filesystems[0];
  if (fs?.status !== 'ok') throw new Error(`filesystem is not ok: ${JSON.stringify(fs)}`);
  return fs;
}

describe.skipIf(requires({ root: true, commands: ['mount', 'umount'] }))(
  'disk space, inodes, read-only',
  () => {
    const mounts: Tmpfs[] = [];
    const mount = async (prefix: string, nrInodes?: number) => {
      const tmpfs = await mountTmpfs(prefix, { size: TMPFS_SIZE, ...(nrInodes ? { nrInodes } : {}) });
      mounts.push(tmpfs);
      return tmpfs;
    };
    afterEach(async () => {
      for (const tmpfs of mounts.splice(0)) await tmpfs.unmount();
    });

    it('a fresh tmpfs is fine; filled to the brim it is critical disk-pressure with the kernel’s figures', async () => {
      const tmpfs = await mount('full');
      const before = await agentOnce(['--disk-path', tmpfs.dir]);
      const empty = onlyFilesystem(before);
      expect(empty.sizeBytes).toBe(TMPFS_SIZE_BYTES);
      expect(empty.mountPoint).toBe(tmpfs.dir);
      expect(empty.readOnly).toBe(false);
      expect(empty.availableRatio).toBeGreaterThan(0.99);
      expect(findingsFor(before, 'disk-pressure')).toEqual([]);

      const written = await tmpfs.fillSpace();
      // tmpfs keeps no blocks back: everything fits but the pages of the (empty) root directory.
      expect(written).toBeGreaterThan(TMPFS_SIZE_BYTES * 0.99);
      const kernel = await statfs(tmpfs.dir);
      expect(kernel.bavail).toBe(0);

      const report = await agentOnce(['--disk-path', tmpfs.dir]);
      const full = onlyFilesystem(report);
      expect(full.role).toBe('nodefs');
      expect(full.availableBytes).toBe(0);
      expect(full.availableRatio).toBe(0);
      expect(full.usedRatio).toBe(1);
      const finding = onlyFinding(report, 'disk-pressure');
      expect(finding).toMatchObject({
        check: 'disk-space',
        severity: 'critical',
        subject: tmpfs.dir,
        value: 0,
        threshold: NODEFS_AVAILABLE_RATIO,
      });
      expect(finding.summary).toContain(tmpfs.dir);
      // Space, not inodes: one file does not exhaust the inode table.
      expect(findingsFor(report, 'inode-exhaustion')).toEqual([]);
    });

    it('a tmpfs whose inodes are all used by empty files is inode-exhaustion, not disk-pressure', async () => {
      const tmpfs = await mount('inodes', TMPFS_INODES);
      const created = await tmpfs.fillInodes();
      expect(created).toBe(TMPFS_INODES - 1);
      const kernel = await statfs(tmpfs.dir);
      expect(kernel.ffree).toBe(0);

      const report = await agentOnce(['--disk-path', tmpfs.dir]);
      const fs = onlyFilesystem(report);
      expect(fs.inodes).toBe(kernel.files);
      expect(fs.inodesFree).toBe(0);
      expect(fs.inodesFreeRatio).toBe(0);
      const finding = onlyFinding(report, 'inode-exhaustion');
      expect(finding).toMatchObject({
        check: 'disk-inodes',
        severity: 'critical',
        subject: tmpfs.dir,
        value: 0,
        threshold: INODES_FREE_RATIO,
      });
      // Empty files take no blocks: space is still plentiful.
      expect(fs.availableRatio).toBeGreaterThan(0.99);
      expect(findingsFor(report, 'disk-pressure')).toEqual([]);
    });

    it('a nodefs remounted read-only is readonly-filesystem; the same mount as rootfs is not', async () => {
      const tmpfs = await mount('readonly');
      const writable = await agentOnce(['--disk-path', `${tmpfs.dir}=nodefs`]);
      expect(onlyFilesystem(writable).readOnly).toBe(false);
      expect(findingsFor(writable, 'readonly-filesystem')).toEqual([]);

      await tmpfs.remountReadOnly();
      const report = await agentOnce(['--disk-path', `${tmpfs.dir}=nodefs`]);
      const fs = onlyFilesystem(report);
      expect(fs.mountPoint).toBe(tmpfs.dir);
      expect(fs.readOnly).toBe(true);
      const finding = onlyFinding(report, 'readonly-filesystem');
      expect(finding).toMatchObject({
        check: 'readonly-filesystem',
        severity: 'critical',
        subject: tmpfs.dir,
      });

      // Image-based distributions run with a read-only root: for the rootfs role that is normal.
      const asRootfs = await agentOnce(['--disk-path', `${tmpfs.dir}=rootfs`]);
      expect(onlyFilesystem(asRootfs).readOnly).toBe(true);
      expect(findingsFor(asRootfs, 'readonly-filesystem')).toEqual([]);
    });
  },
);
