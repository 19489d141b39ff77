import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SignalError } from '../../../agent/host/read-text.js';
import { parseKubeletConfig } from '../../../agent/parsers/kubelet-config.js';
import { parseResolvConf } from '../../../agent/parsers/resolv-conf.js';

/** Real files (see test/fixtures/dns/README.md for where each comes from). */
const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/dns/${name}`, import.meta.url), 'utf8');

const RUNS = 500;
const MUTATION_RUNS = 1_000;

describe('parseKubeletConfig', () => {
  it('reads clusterDNS and clusterDomain from the config kubeadm writes; no resolvConf means the default', () => {
    expect(parseKubeletConfig('config.yaml', fixture('kubeadm-config.yaml'))).toEqual({
      clusterDNS: ['10.128.0.10'],
      clusterDomain: 'cluster.local',
      resolvConf: undefined,
    });
  });

  it("reads resolvConf when kubeadm points the kubelet at systemd-resolved's uplink file", () => {
    expect(parseKubeletConfig('config.yaml', fixture('kubeadm-resolved-config.yaml'))).toEqual({
      clusterDNS: ['10.96.0.10'],
      clusterDomain: 'cluster.local',
      resolvConf: '/run/systemd/resolve/resolv.conf',
    });
  });

  it('reads the JSON config of an EKS node (JSON is YAML)', () => {
    expect(parseKubeletConfig('kubelet-config.json', fixture('eks-kubelet-config.json'))).toEqual({
      clusterDNS: ['172.20.0.10'],
      clusterDomain: 'cluster.local',
      resolvConf: undefined,
    });
  });

  it('keeps several clusterDNS entries in order, IPv6 included, and drops a trailing dot of the domain', () => {
    const text = [
      'kind: KubeletConfiguration',
      'apiVersion: kubelet.config.k8s.io/v1beta1',
      'clusterDNS: ["169.254.20.10", "fd00:10:96::a"]',
      'clusterDomain: corp.example.',
      'resolvConf: ""',
    ].join('\n');
    expect(parseKubeletConfig('c', text)).toEqual({
      clusterDNS: ['169.254.20.10', 'fd00:10:96::a'],
      clusterDomain: 'corp.example',
      resolvConf: '',
    });
  });

  it('accepts a config without any DNS field (a kubelet with DNS disabled)', () => {
    expect(parseKubeletConfig('c', 'kind: KubeletConfiguration\ncgroupDriver: systemd\n')).toEqual({
      clusterDNS: [],
      clusterDomain: undefined,
      resolvConf: undefined,
    });
  });

  it.each([
    ['an empty file', '', /empty document/],
    ['a YAML syntax error', 'clusterDNS: [10.96.0.10\nkind: x', /not valid YAML/],
    ['a list at the top', '- 10.96.0.10\n', /expected a KubeletConfiguration mapping/],
    ['another kind', 'kind: KubeProxyConfiguration\n', /kind is "KubeProxyConfiguration"/],
    ['another API group', 'apiVersion: kubeadm.k8s.io/v1beta3\n', /apiVersion "kubeadm.k8s.io\/v1beta3"/],
    ['clusterDNS as a string', 'clusterDNS: 10.96.0.10\n', /clusterDNS must be a list of IPs/],
    ['a host name in clusterDNS', 'clusterDNS: [kube-dns.local]\n', /"kube-dns.local" is not an IP/],
    ['a number as clusterDomain', 'clusterDomain: 12\n', /clusterDomain must be a string/],
    ['a bad clusterDomain', 'clusterDomain: "cluster local"\n', /is not a DNS name/],
    ['two documents', 'kind: KubeletConfiguration\n---\nkind: KubeletConfiguration\n', /not valid YAML/],
    ['duplicate keys', 'clusterDomain: a\nclusterDomain: b\n', /not valid YAML/],
  ])('rejects %s with a SignalError naming the file', (_what, text, reason) => {
    let thrown: unknown;
    try {
      parseKubeletConfig('/host/var/lib/kubelet/config.yaml', text);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SignalError);
    expect((thrown as SignalError).message).toMatch(/^\/host\/var\/lib\/kubelet\/config\.yaml: /);
    expect((thrown as SignalError).message).toMatch(reason);
  });

  it('rejects an alias bomb instead of expanding it', () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i);
      const next = String.fromCharCode(97 + i);
      levels.push(`${next}: &${next} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    expect(() => parseKubeletConfig('c', levels.join('\n'))).toThrow(SignalError);
  });

  it('does not read fields through a __proto__ key', () => {
    const parsed = parseKubeletConfig('c', '__proto__:\n  clusterDNS: ["10.0.0.1"]\n');
    expect(parsed.clusterDNS).toEqual([]);
  });

  it('throws nothing but SignalError for random text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        try {
          parseKubeletConfig('c', text);
        } catch (error) {
          if (!(error instanceof SignalError)) throw error;
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('throws nothing but SignalError for random bytes decoded as UTF-8', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        try {
          parseKubeletConfig('c', Buffer.from(bytes).toString('utf8'));
        } catch (error) {
          if (!(error instanceof SignalError)) throw error;
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('throws nothing but SignalError for random JSON values in the DNS fields', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), fc.jsonValue(), (dns, domain, resolv) => {
        const text = JSON.stringify({ clusterDNS: dns, clusterDomain: domain, resolvConf: resolv });
        try {
          const parsed = parseKubeletConfig('c', text);
          // Whatever got through must be what the types promise.
          expect(parsed.clusterDNS.every((ip) => typeof ip === 'string')).toBe(true);
          expect(['string', 'undefined']).toContain(typeof parsed.clusterDomain);
        } catch (error) {
          if (!(error instanceof SignalError)) throw error;
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('throws nothing but SignalError when the kubeadm capture is cut or has a line replaced', () => {
    const lines = fixture('kubeadm-resolved-config.yaml').split('\n');
    fc.assert(
      fc.property(
        fc.nat({ max: lines.length - 1 }),
        fc.string({ maxLength: 40 }),
        fc.nat({ max: 4000 }),
        (index, replacement, cut) => {
          const mutated = lines.map((line, i) => (i === index ? replacement : line)).join('\n');
          for (const text of [mutated, mutated.slice(0, cut)]) {
            try {
              parseKubeletConfig('c', text);
            } catch (error) {
              if (!(error instanceof SignalError)) throw error;
            }
          }
        },
      ),
      { numRuns: MUTATION_RUNS },
    );
  });
});

describe('parseResolvConf', () => {
  it("reads an AKS node's systemd-resolved uplink file", () => {
    expect(parseResolvConf(fixture('resolv-aks-node.conf'))).toEqual({
      nameservers: ['168.63.129.16'],
      search: ['qibf5jn4e15enib2o0kmnxxmhd.gvxx.internal.cloudapp.net'],
      options: [],
    });
  });

  it('keeps every valid nameserver in order, an IPv6 zone included (the caller applies the limit of three)', () => {
    expect(parseResolvConf(fixture('resolv-systemd-too-many.conf'))).toEqual({
      nameservers: ['1.0.0.1', '1.1.1.1', 'fe80::8226:89ff:fe1c:15bc%3', 'fd80::8226:89ff:fe1c:15bc'],
      search: ['.'],
      options: [],
    });
  });

  it('skips ; comments and reads options of an Amazon Linux 2 file written by dhclient', () => {
    expect(parseResolvConf(fixture('resolv-amazon-linux-2.conf'))).toEqual({
      nameservers: ['10.10.0.2'],
      search: ['ap-south-1.compute.internal'],
      options: ['timeout:2', 'attempts:5'],
    });
  });

  it("reads a pod's resolv.conf as the kubelet writes it", () => {
    expect(parseResolvConf(fixture('resolv-pod.conf'))).toEqual({
      nameservers: ['10.43.0.10'],
      search: ['default.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'DOMAINS'],
      options: ['ndots:5'],
    });
  });

  it('reads the file of the machine the tests were written on', () => {
    expect(parseResolvConf(fixture('resolv-this-ci-host.conf')).nameservers).toEqual(['10.255.255.53']);
  });

  it('ignores what glibc ignores: host names, zones on IPv4, empty values, unknown keywords', () => {
    const text = [
      'nameserver dns.example.com',
      'nameserver 10.0.0.1%eth0',
      'nameserver',
      'nameserver 300.1.1.1',
      'sortlist 130.155.160.0/255.255.240.0',
      '\tnameserver\t192.0.2.53  # trailing words are ignored',
      'domain corp.example',
    ].join('\n');
    expect(parseResolvConf(text)).toEqual({
      nameservers: ['192.0.2.53'],
      search: ['corp.example'],
      options: [],
    });
  });

  it('never throws and only returns addresses, whatever the input', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 400 }),
          fc.uint8Array({ maxLength: 400 }).map((bytes) => Buffer.from(bytes).toString('utf8')),
          fc
            .array(
              fc.tuple(
                fc.constantFrom('nameserver', 'search', 'domain', 'options', '#', ';', ''),
                fc.string({ maxLength: 30 }),
              ),
              { maxLength: 10 },
            )
            .map((lines) => lines.map(([keyword, rest]) => `${keyword} ${rest}`).join('\n')),
        ),
        (text) => {
          const parsed = parseResolvConf(text);
          for (const address of parsed.nameservers) expect(address).toMatch(/^[0-9a-fA-F:.]+(%\S+)?$/);
        },
      ),
      { numRuns: RUNS },
    );
  });
});
