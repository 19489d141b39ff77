import { statfs } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { DiagnosisRig, findingEvidence } from '../harness/diagnosis-e2e.js';
import { requires } from '../harness/system-requirements.js';
import { mountTmpfs, type Tmpfs } from '../harness/tmpfs.js';

/**
 * End to end, filesystems: a tmpfs the test mounts is the agent's --disk-path, filled to the brim with
 * data or with empty files while a real agent streams to a real collector at 1 s, then emptied. The
 * diagnosis is read from GET /api/v1/nodes/{node} while it is full, and again once it is emptied.
 */

/** Big enough to hold a few files, small enough to fill in milliseconds. */
const TMPFS_SIZE = '16M';
/** The root directory takes one of these; the test takes the rest with empty files. */
const TMPFS_INODES = 64;
/** The agent's defaults (agent/config/thresholds.ts): nodefs.available and nodefs.inodesFree. */
const NODEFS_AVAILABLE_RATIO = 0.1;
const INODES_FREE_RATIO = 0.05;

describe.skipIf(requires({ root: true, commands: ['mount', 'umount'] }))(
  'disk-pressure and inode-exhaustion on a real tmpfs, end to end',
  () => {
    let rig: DiagnosisRig | undefined;
    let tmpfs: Tmpfs | undefined;
    afterEach(async () => {
      await rig?.dispose();
      rig = undefined;
      await tmpfs?.unmount();
      tmpfs = undefined;
    });

    async function rigWatching(node: string, nrInodes?: number): Promise<{ rig: DiagnosisRig; fs: Tmpfs }> {
      tmpfs = await mountTmpfs('diag-disk', { size: TMPFS_SIZE, ...(nrInodes ? { nrInodes } : {}) });
      rig = await DiagnosisRig.start({ node, agentArgs: ['--disk-path', `${tmpfs.dir}=nodefs`] });
      await rig.waitForHealthy();
      return { rig, fs: tmpfs };
    }

    it('the nodefs filled to the brim: disk-pressure first with the available share; emptied: cleared', async () => {
      const { rig, fs } = await rigWatching('e2e-disk-pressure');

      await fs.fillSpace();
      expect((await statfs(fs.dir)).bavail).toBe(0);
      const { detail, cause } = await rig.waitForTopCause('disk-pressure');
      expect(detail.status).not.toBe('Ready');
      const [evidence] = findingEvidence(cause);
      expect(evidence?.finding).toMatchObject({
        check: 'disk-space',
        subject: fs.dir,
        value: 0,
        threshold: NODEFS_AVAILABLE_RATIO,
      });
      expect(detail.causes.map((item) => item.id)).not.toContain('inode-exhaustion');

      await fs.empty();
      await rig.waitForCleared('disk-pressure');
      expect((await rig.waitForHealthy()).status).toBe('Ready');
    });

    it('every inode used by empty files: inode-exhaustion first, not disk-pressure; emptied: cleared', async () => {
      const { rig, fs } = await rigWatching('e2e-inode-exhaustion', TMPFS_INODES);

      await fs.fillInodes();
      expect((await statfs(fs.dir)).ffree).toBe(0);
      const { detail, cause } = await rig.waitForTopCause('inode-exhaustion');
      expect(detail.status).not.toBe('Ready');
      const [evidence] = findingEvidence(cause);
      expect(evidence?.finding).toMatchObject({
        check: 'disk-inodes',
        subject: fs.dir,
        value: 0,
        threshold: INODES_FREE_RATIO,
      });
      expect(detail.causes.map((item) => item.id)).not.toContain('disk-pressure');

      await fs.empty();
      await rig.waitForCleared('inode-exhaustion');
      expect((await rig.waitForHealthy()).status).toBe('Ready');
    });
  },
);
