import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatServer } from '../../../agent/dns/server-address.js';
import { type Discovery, DnsTargetDiscovery } from '../../../agent/dns/target-discovery.js';
import { WatchedFile } from '../../../agent/dns/watched-file.js';
import { HostPaths } from '../../../agent/host/host-paths.js';
import { SignalError } from '../../../agent/host/read-text.js';
import { parseKubeletConfig } from '../../../agent/parsers/kubelet-config.js';
import { configFrom } from '../../harness/samples.js';

/*
 * Target discovery only decides whom to probe; nothing here sends a query (the addresses come from real
 * kubelet configs and would not be ours to probe).
 */

const FIXTURES = new URL('../../fixtures/dns/', import.meta.url);
const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A host root with the given files (path inside the host -> fixture name or literal text). */
function hostRoot(files: Record<string, { fixture: string } | { text: string }>): string {
  const root = mkdtempSync(join(tmpdir(), 'nodedoc-dns-root-'));
  roots.push(root);
  for (const [path, content] of Object.entries(files)) {
    const target = join(root, path);
    mkdirSync(dirname(target), { recursive: true });
    if ('fixture' in content) copyFileSync(new URL(content.fixture, FIXTURES), target);
    else writeFileSync(target, content.text);
  }
  return root;
}

function discovery(root: string, argv: readonly string[] = []): DnsTargetDiscovery {
  return new DnsTargetDiscovery(configFrom(['--host-root', root, ...argv]), new HostPaths(root));
}

/** The plans as plain rows: server, role, UDP questions, TCP question. */
function summarize(found: Discovery) {
  if (found.kind === 'none') return found;
  return {
    source: found.source,
    clusterDomain: found.clusterDomain,
    plans: found.plans.map((plan) => ({
      server: formatServer(plan.address),
      role: plan.role,
      udp: plan.udp.map((q) => `${q.name} ${q.type} ${q.expect}`),
      tcp: `${plan.tcp.name} ${plan.tcp.type}`,
    })),
  };
}

const RANDOM_NAME = /^nodedoc-probe-[0-9a-f]{12}\.cluster\.local\. A nonexistent$/;

describe('DNS target discovery', () => {
  it('probes nothing on a machine with no kubelet config and no --dns-server, and says why', async () => {
    const found = await discovery(hostRoot({}), ['--dns-probe-upstream']).discover();
    expect(found).toEqual({
      kind: 'none',
      reason:
        'no DNS server to probe: no --dns-server given and no kubelet config at /var/lib/kubelet/config.yaml (not a Kubernetes node?)',
    });
  });

  it("takes clusterDNS and clusterDomain from a kubeadm node's kubelet config", async () => {
    const root = hostRoot({ 'var/lib/kubelet/config.yaml': { fixture: 'kubeadm-config.yaml' } });
    const found = summarize(await discovery(root).discover());
    expect(found).toMatchObject({ source: 'kubelet-config', clusterDomain: 'cluster.local' });
    expect(found).toHaveProperty('plans', [
      {
        server: '10.128.0.10:53',
        role: 'cluster',
        udp: ['kubernetes.default.svc.cluster.local. A exists', expect.stringMatching(RANDOM_NAME)],
        tcp: 'kubernetes.default.svc.cluster.local. A',
      },
    ]);
  });

  it('reads an EKS JSON config named with --kubelet-config, and adds --dns-name names', async () => {
    const root = hostRoot({
      'etc/kubernetes/kubelet/kubelet-config.json': { fixture: 'eks-kubelet-config.json' },
    });
    const found = summarize(
      await discovery(root, [
        '--kubelet-config',
        '/etc/kubernetes/kubelet/kubelet-config.json',
        '--dns-name',
        'sts.amazonaws.com',
      ]).discover(),
    );
    expect(found).toHaveProperty('plans', [
      {
        server: '172.20.0.10:53',
        role: 'cluster',
        udp: [
          'kubernetes.default.svc.cluster.local. A exists',
          expect.stringMatching(RANDOM_NAME),
          'sts.amazonaws.com. A exists',
        ],
        tcp: 'kubernetes.default.svc.cluster.local. A',
      },
    ]);
  });

  it('adds the first three nameservers of the kubelet resolvConf with --dns-probe-upstream', async () => {
    const root = hostRoot({
      'var/lib/kubelet/config.yaml': { fixture: 'kubeadm-resolved-config.yaml' },
      'run/systemd/resolve/resolv.conf': { fixture: 'resolv-systemd-too-many.conf' },
    });
    const found = summarize(await discovery(root, ['--dns-probe-upstream']).discover());
    expect(found).toHaveProperty(
      'plans',
      ['10.96.0.10:53', '1.0.0.1:53', '1.1.1.1:53', '[fe80::8226:89ff:fe1c:15bc%3]:53'].map((server, i) =>
        expect.objectContaining({ server, role: i === 0 ? 'cluster' : 'upstream' }),
      ),
    );
    const upstream = 'plans' in found ? found.plans[1] : undefined;
    expect(upstream).toEqual({ server: '1.0.0.1:53', role: 'upstream', udp: ['. NS exists'], tcp: '. NS' });
  });

  it('probes no upstream without the flag, nor when resolvConf is "" (DNS inheritance off)', async () => {
    const withFile = hostRoot({
      'var/lib/kubelet/config.yaml': { fixture: 'kubeadm-resolved-config.yaml' },
      'run/systemd/resolve/resolv.conf': { fixture: 'resolv-aks-node.conf' },
    });
    expect(summarize(await discovery(withFile).discover())).toHaveProperty('plans', [
      expect.objectContaining({ server: '10.96.0.10:53' }),
    ]);
    const inheritanceOff = hostRoot({
      'var/lib/kubelet/config.yaml': { text: 'kind: KubeletConfiguration\nresolvConf: ""\n' },
      'etc/resolv.conf': { fixture: 'resolv-aks-node.conf' },
    });
    expect(await discovery(inheritanceOff, ['--dns-probe-upstream']).discover()).toEqual({
      kind: 'none',
      reason:
        'no DNS server to probe: /var/lib/kubelet/config.yaml has no clusterDNS and its resolvConf lists no nameserver',
    });
  });

  it('uses /etc/resolv.conf under the host root when the kubelet config names none, and skips a duplicate', async () => {
    const root = hostRoot({
      'var/lib/kubelet/config.yaml': { text: 'kind: KubeletConfiguration\nclusterDNS: [10.10.0.2]\n' },
      'etc/resolv.conf': { fixture: 'resolv-amazon-linux-2.conf' },
    });
    // The only upstream nameserver is the cluster DNS itself: probed once, as the cluster DNS.
    expect(
      summarize(await discovery(root, ['--dns-probe-upstream', '--dns-name', 'example.org']).discover()),
    ).toHaveProperty('plans', [expect.objectContaining({ server: '10.10.0.2:53', role: 'cluster' })]);
  });

  it('lets --dns-server and --cluster-domain win over the kubelet config', async () => {
    const root = hostRoot({ 'var/lib/kubelet/config.yaml': { fixture: 'kubeadm-config.yaml' } });
    const found = summarize(
      await discovery(root, [
        '--dns-server',
        '127.0.0.1:5353',
        '--dns-server',
        '[::1]:5353',
        '--cluster-domain',
        'corp.example.',
      ]).discover(),
    );
    expect(found).toMatchObject({ source: 'flag', clusterDomain: 'corp.example' });
    expect(found).toHaveProperty('plans', [
      expect.objectContaining({ server: '127.0.0.1:5353', tcp: 'kubernetes.default.svc.corp.example. A' }),
      expect.objectContaining({ server: '[::1]:5353' }),
    ]);
  });

  it('does not read the kubelet config when the flags already answer everything', async () => {
    const root = hostRoot({ 'var/lib/kubelet/config.yaml': { text: 'clusterDNS: [unclosed\n' } });
    const flags = ['--dns-server', '127.0.0.1:5353', '--cluster-domain', 'cluster.local'];
    expect((await discovery(root, flags).discover()).kind).toBe('targets');
    // Without --cluster-domain it is needed, and its error is the signal's reason.
    await expect(discovery(root, ['--dns-server', '127.0.0.1:5353']).discover()).rejects.toThrow(
      /config\.yaml: not valid YAML/,
    );
  });

  it('reports a kubelet config without clusterDNS', async () => {
    const root = hostRoot({ 'var/lib/kubelet/config.yaml': { text: 'kind: KubeletConfiguration\n' } });
    expect(await discovery(root).discover()).toEqual({
      kind: 'none',
      reason:
        'no DNS server to probe: /var/lib/kubelet/config.yaml has no clusterDNS and upstream probing (--dns-probe-upstream) is off',
    });
  });

  it('follows a kubelet config that changes between cycles', async () => {
    const root = hostRoot({ 'var/lib/kubelet/config.yaml': { text: 'clusterDNS: [10.96.0.10]\n' } });
    const targets = discovery(root);
    expect(summarize(await targets.discover())).toHaveProperty('plans.0.server', '10.96.0.10:53');
    writeFileSync(join(root, 'var/lib/kubelet/config.yaml'), 'clusterDNS: [169.254.20.10]\n');
    const later = new Date(Date.now() + 5_000);
    utimesSync(join(root, 'var/lib/kubelet/config.yaml'), later, later);
    expect(summarize(await targets.discover())).toHaveProperty('plans.0.server', '169.254.20.10:53');
  });
});

describe('WatchedFile', () => {
  it('parses again only when mtime, size or inode change', async () => {
    const root = hostRoot({ 'config.yaml': { text: 'clusterDNS: [10.0.0.1]\n' } });
    const path = join(root, 'config.yaml');
    // Whole seconds, so the test can put the very same mtime back (utimes cannot set nanoseconds).
    const mtime = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
    utimesSync(path, mtime, mtime);
    let parses = 0;
    const file = new WatchedFile(path, (source, text) => {
      parses += 1;
      return parseKubeletConfig(source, text);
    });
    expect((await file.read())?.clusterDNS).toEqual(['10.0.0.1']);
    expect((await file.read())?.clusterDNS).toEqual(['10.0.0.1']);
    expect(parses).toBe(1);

    // Same size, same mtime (put back by hand): the cached parse stands, the new content is not read.
    writeFileSync(path, 'clusterDNS: [10.0.0.2]\n');
    utimesSync(path, mtime, mtime);
    expect((await file.read())?.clusterDNS).toEqual(['10.0.0.1']);
    expect(parses).toBe(1);

    // A new mtime: read and parsed again.
    const later = new Date(mtime.getTime() + 2_000);
    utimesSync(path, later, later);
    expect((await file.read())?.clusterDNS).toEqual(['10.0.0.2']);
    expect(parses).toBe(2);

    // A failed parse is not cached: the next read tries again, and sees the fix.
    writeFileSync(path, 'clusterDNS: [');
    await expect(file.read()).rejects.toBeInstanceOf(SignalError);
    await expect(file.read()).rejects.toBeInstanceOf(SignalError);
    writeFileSync(path, 'clusterDNS: [10.0.0.3]\n');
    utimesSync(path, new Date(later.getTime() + 2_000), new Date(later.getTime() + 2_000));
    expect((await file.read())?.clusterDNS).toEqual(['10.0.0.3']);

    // Gone: undefined, not an error.
    rmSync(path);
    expect(await file.read()).toBeUndefined();
  });

  it('turns an unreadable path into a SignalError', async () => {
    const root = hostRoot({ 'dir/placeholder': { text: '' } });
    const file = new WatchedFile(join(root, 'dir'), (_source, text) => text);
    await expect(file.read()).rejects.toThrow(/is a directory/);
  });
});
