import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HostPaths } from '../../../agent/host/host-paths.js';
import { resolveInRoot } from '../../../agent/host/resolve-in-root.js';

/** A small host tree laid out the way real nodes are: absolute links the kubelet and distros create. */
const root = mkdtempSync(join(tmpdir(), 'nodedoc-root-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
mkdirSync(join(root, 'var/lib/kubelet/pki'), { recursive: true });
mkdirSync(join(root, 'run/containerd'), { recursive: true });
mkdirSync(join(root, 'run/systemd/resolve'), { recursive: true });
mkdirSync(join(root, 'etc'), { recursive: true });
writeFileSync(join(root, 'var/lib/kubelet/pki/kubelet-client-2026-01-01.pem'), 'cert');
// The kubelet writes this link with an absolute target.
symlinkSync(
  '/var/lib/kubelet/pki/kubelet-client-2026-01-01.pem',
  join(root, 'var/lib/kubelet/pki/kubelet-client-current.pem'),
);
// /var/run -> /run on every modern distribution.
symlinkSync('/run', join(root, 'var/run'));
writeFileSync(join(root, 'run/systemd/resolve/resolv.conf'), 'nameserver 10.0.0.2\n');
symlinkSync('../run/systemd/resolve/resolv.conf', join(root, 'etc/resolv.conf'));
symlinkSync('/loop-b', join(root, 'loop-a'));
symlinkSync('/loop-a', join(root, 'loop-b'));
symlinkSync('/../../../../etc', join(root, 'escape'));

describe('resolveInRoot', () => {
  it('follows an absolute link inside the root, not in the agent container', () => {
    expect(resolveInRoot(root, '/var/lib/kubelet/pki/kubelet-client-current.pem')).toBe(
      join(root, 'var/lib/kubelet/pki/kubelet-client-2026-01-01.pem'),
    );
  });

  it('follows a linked directory in the middle of a path', () => {
    expect(resolveInRoot(root, '/var/run/containerd/containerd.sock')).toBe(
      join(root, 'run/containerd/containerd.sock'),
    );
  });

  it('follows relative links from the link’s own directory', () => {
    expect(resolveInRoot(root, '/etc/resolv.conf')).toBe(join(root, 'run/systemd/resolve/resolv.conf'));
  });

  it('keeps the rest of a path whose component is missing', () => {
    expect(resolveInRoot(root, '/var/lib/nothing/here')).toBe(join(root, 'var/lib/nothing/here'));
  });

  it('never climbs above the root with .. in a path or a link target', () => {
    expect(resolveInRoot(root, '/../../etc/resolv.conf')).toBe(join(root, 'run/systemd/resolve/resolv.conf'));
    expect(resolveInRoot(root, '/escape/resolv.conf')).toBe(join(root, 'run/systemd/resolve/resolv.conf'));
  });

  it('stops at a link loop instead of spinning', () => {
    expect(resolveInRoot(root, '/loop-a/x').startsWith(root)).toBe(true);
  });

  it('is what HostPaths.host uses under a non-/ root, while / is left to the kernel', () => {
    expect(new HostPaths(root).host('/var/run/containerd/containerd.sock')).toBe(
      join(root, 'run/containerd/containerd.sock'),
    );
    expect(new HostPaths('/').host('/var/run/x')).toBe('/var/run/x');
  });
});
