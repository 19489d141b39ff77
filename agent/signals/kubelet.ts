import { access } from 'node:fs/promises';
import { AbsentRecheck } from '../probes/absent-recheck.js';
import { HttpProbe } from '../probes/http-probe.js';
import { ProbeTracker } from '../probes/probe-tracker.js';
import { absent, ok } from '../reading.js';
import type { Signal, SignalContext } from './signal.js';

/** GET the kubelet's healthz; 200 is healthy, anything else (or no answer) is a failure. */
export function createKubeletSignal({ config, paths }: SignalContext): Signal<'kubelet'> {
  const url = config.kubeletHealthzUrl.value;
  const tracker = new ProbeTracker(config.kubeletHealthzUrl.explicit);
  const recheck = new AbsentRecheck(config.rediscoverMs);
  const probe = new HttpProbe(url, { timeoutMs: config.probeTimeoutMs });
  return {
    name: 'kubelet',
    async sample() {
      const remembered = recheck.current();
      if (remembered) return remembered;
      let reason: string;
      let latencySeconds: number | null = null;
      try {
        const result = await probe.get();
        latencySeconds = result.latencySeconds;
        if (result.status === 200) {
          return ok({ url, latencySeconds, consecutiveFailures: tracker.succeeded() });
        }
        reason = `HTTP ${result.status} from ${url}`;
      } catch (error) {
        reason = error instanceof Error ? error.message : String(error);
      }
      const consecutiveFailures = tracker.failed();
      // A kubelet config on the host means a kubelet is supposed to run here, answering or not.
      const installed = await access(paths.host(config.kubeletConfigPath)).then(
        () => true,
        () => false,
      );
      if (!tracker.expected(installed)) {
        return recheck.remember(absent(`no kubelet answers at ${url} and none is configured on this host`));
      }
      return { status: 'down', reason, url, latencySeconds, consecutiveFailures };
    },
    close() {
      probe.close();
    },
  };
}
