import { setMaxListeners } from 'node:events';
import { probeServer } from '../dns/probe-server.js';
import { ProbeWindows } from '../dns/probe-window.js';
import { formatServer } from '../dns/server-address.js';
import { DnsTargetDiscovery } from '../dns/target-discovery.js';
import { AbsentRecheck } from '../probes/absent-recheck.js';
import { absent, ok } from '../reading.js';
import type { DnsServerSample } from '../sample-types.js';
import type { Signal, SignalContext } from './signal.js';

/**
 * Active DNS probes to the cluster DNS (and, with --dns-probe-upstream, the node's own resolvers): UDP
 * queries for the API server's service name, a random NXDOMAIN name and the --dns-name names, plus one
 * TCP query per server, every cycle. Each server keeps a sliding window of outcomes for the failure
 * ratio and latency percentiles the checks judge. Probing runs in the agent's own network namespace,
 * which is the node's with hostNetwork: true.
 */
export function createDnsSignal({ config, paths }: SignalContext): Signal<'dns'> {
  const discovery = new DnsTargetDiscovery(config, paths);
  const windows = new ProbeWindows(config.dnsWindowMs);
  // Aborting closes every socket still open; the probes then settle at once as cancelled.
  const shutdown = new AbortController();
  // Each probe in flight listens on this one signal and stops listening when it settles, so the count
  // is bounded by the probes of one cycle (names x servers), not a leak: lift Node's default warning at 10.
  setMaxListeners(0, shutdown.signal);
  const lateSeconds = config.thresholds['dns-latency-seconds'];
  const recheck = new AbsentRecheck(config.rediscoverMs);

  return {
    name: 'dns',
    async sample() {
      const remembered = recheck.current();
      if (remembered) return remembered;
      const found = await discovery.discover();
      if (found.kind === 'none') {
        windows.retain(new Set());
        return recheck.remember(absent(found.reason));
      }
      const servers = await Promise.all(
        found.plans.map(async (plan): Promise<DnsServerSample> => {
          const server = formatServer(plan.address);
          const probes = await probeServer(plan, {
            timeoutMs: config.dnsTimeoutMs,
            signal: shutdown.signal,
            lateSeconds,
          });
          return { server, role: plan.role, probes, window: windows.record(server, probes) };
        }),
      );
      windows.retain(new Set(servers.map(({ server }) => server)));
      return ok({
        source: found.source,
        clusterDomain: found.clusterDomain,
        timeoutSeconds: config.dnsTimeoutMs / 1000,
        windowSeconds: config.dnsWindowMs / 1000,
        servers,
      });
    },
    close() {
      shutdown.abort();
    },
  };
}
