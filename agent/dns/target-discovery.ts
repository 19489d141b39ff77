import type { AgentConfig } from '../config/agent-config.js';
import { DEFAULT_CLUSTER_DOMAIN } from '../config/agent-flags.js';
import type { HostPaths } from '../host/host-paths.js';
import { type KubeletDnsConfig, parseKubeletConfig } from '../parsers/kubelet-config.js';
import { parseResolvConf, type ResolvConf } from '../parsers/resolv-conf.js';
import { clusterPlan, type ProbePlan, upstreamPlan } from './probe-plan.js';
import { DNS_PORT, formatServer, type ServerAddress } from './server-address.js';
import { WatchedFile } from './watched-file.js';

/** The kubelet's default when its config has no resolvConf field. */
const KUBELET_DEFAULT_RESOLV_CONF = '/etc/resolv.conf';
/** glibc (MAXNS) and the kubelet use at most three nameservers; later lines are never asked. */
const MAX_NAMESERVERS = 3;

export type Discovery =
  | {
      readonly kind: 'targets';
      readonly source: 'flag' | 'kubelet-config';
      readonly clusterDomain: string;
      readonly plans: readonly ProbePlan[];
    }
  | { readonly kind: 'none'; readonly reason: string };

/**
 * Decides which DNS servers to probe this cycle: the --dns-server flags, else the kubelet's clusterDNS;
 * with --dns-probe-upstream also the nameservers of the kubelet's resolvConf. Nothing found means
 * nothing is probed: a laptop or CI machine is never made to probe its own resolver. Both files are
 * re-read only when they change.
 */
export class DnsTargetDiscovery {
  private readonly kubeletConfig: WatchedFile<KubeletDnsConfig>;
  private resolvConf: WatchedFile<ResolvConf> | undefined;

  constructor(
    private readonly config: AgentConfig,
    private readonly paths: HostPaths,
  ) {
    this.kubeletConfig = new WatchedFile(paths.host(config.kubeletConfigPath), parseKubeletConfig);
  }

  async discover(): Promise<Discovery> {
    const { config } = this;
    const fromFlag = config.dnsServers.length > 0;
    const flagDomain = config.clusterDomain?.replace(/\.$/, '') || undefined;
    // The kubelet config is only read when a flag does not already answer what it would tell us.
    const needKubelet = !fromFlag || flagDomain === undefined || config.dnsProbeUpstream;
    const kubelet = needKubelet ? await this.kubeletConfig.read() : undefined;

    const clusterAddresses: ServerAddress[] = fromFlag
      ? [...config.dnsServers]
      : (kubelet?.clusterDNS ?? []).map((host) => ({ host, port: DNS_PORT }));
    const clusterDomain = flagDomain ?? kubelet?.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN;
    const plans: ProbePlan[] = uniqueByServer(clusterAddresses).map((address) =>
      clusterPlan(address, clusterDomain, config.dnsNames),
    );

    if (config.dnsProbeUpstream && kubelet) {
      const taken = new Set(plans.map((plan) => formatServer(plan.address)));
      for (const host of await this.upstreamNameservers(kubelet)) {
        const address = { host, port: DNS_PORT };
        if (taken.has(formatServer(address))) continue;
        taken.add(formatServer(address));
        plans.push(upstreamPlan(address, config.dnsNames));
      }
    }

    if (plans.length === 0) return { kind: 'none', reason: this.nothingFound(kubelet) };
    return { kind: 'targets', source: fromFlag ? 'flag' : 'kubelet-config', clusterDomain, plans };
  }

  /** The first three nameservers of the kubelet's resolvConf; none when it is "" or missing. */
  private async upstreamNameservers(kubelet: KubeletDnsConfig): Promise<readonly string[]> {
    const path = kubelet.resolvConf ?? KUBELET_DEFAULT_RESOLV_CONF;
    if (path === '') return [];
    const resolved = this.paths.host(path);
    if (this.resolvConf?.path !== resolved) {
      this.resolvConf = new WatchedFile(resolved, (_source, text) => parseResolvConf(text));
    }
    const parsed = await this.resolvConf.read();
    return parsed?.nameservers.slice(0, MAX_NAMESERVERS) ?? [];
  }

  private nothingFound(kubelet: KubeletDnsConfig | undefined): string {
    const { kubeletConfigPath, dnsProbeUpstream } = this.config;
    if (!kubelet) {
      return `no DNS server to probe: no --dns-server given and no kubelet config at ${kubeletConfigPath} (not a Kubernetes node?)`;
    }
    const upstream = dnsProbeUpstream
      ? 'its resolvConf lists no nameserver'
      : 'upstream probing (--dns-probe-upstream) is off';
    return `no DNS server to probe: ${kubeletConfigPath} has no clusterDNS and ${upstream}`;
  }
}

function uniqueByServer(addresses: readonly ServerAddress[]): ServerAddress[] {
  const seen = new Set<string>();
  return addresses.filter((address) => {
    const key = formatServer(address);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
