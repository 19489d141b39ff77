import { existsSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import { dirname, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { UsageError } from '../../common/cli/usage-error.js';

/** `--kubernetes`: look for a cluster (default) or never talk to one. */
export type KubernetesMode = 'auto' | 'off';
export const KUBERNETES_MODES: readonly KubernetesMode[] = ['auto', 'off'];

/**
 * Where the service account's token lives in a pod (client-go's rest.InClusterConfig reads the same file).
 * Without it an in-cluster config could authenticate as nobody, so "in a pod" alone is not "in a cluster".
 */
export const SERVICE_ACCOUNT_TOKEN_PATH = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/**
 * The pod's API server connection from its environment and service account, as client-go's
 * rest.InClusterConfig builds it: https://KUBERNETES_SERVICE_HOST:KUBERNETES_SERVICE_PORT, the service
 * account's CA, and its token file (re-read as the kubelet rotates it).
 */
function inCluster(host: string, port: string, tokenPath: string): KubernetesConnection {
  const server = `https://${isIPv6(host) ? `[${host}]` : host}:${port}`;
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [
      { name: 'in-cluster', server, caFile: join(dirname(tokenPath), 'ca.crt'), skipTLSVerify: false },
    ],
    users: [
      { name: 'service-account', authProvider: { name: 'tokenFile', config: { tokenFile: tokenPath } } },
    ],
    contexts: [{ name: 'in-cluster', cluster: 'in-cluster', user: 'service-account' }],
    currentContext: 'in-cluster',
  });
  return { source: 'in-cluster', server, kubeConfig };
}

/** How the collector reaches the API server, resolved once at start-up. */
export interface KubernetesConnection {
  /** Where the connection came from, for the start-up log line: a kubeconfig path or 'in-cluster'. */
  readonly source: string;
  /** The API server's URL (from the current context, or https://KUBERNETES_SERVICE_HOST:PORT in a pod). */
  readonly server: string;
  readonly kubeConfig: KubeConfig;
}

/** What was decided and why, so the collector can say so once at start-up. */
export type KubernetesResolution =
  | { readonly connection: KubernetesConnection }
  | { readonly connection: undefined; readonly reason: string };

export interface ClusterInputs {
  readonly mode: KubernetesMode;
  /** --kubeconfig or NODEDOC_KUBECONFIG. */
  readonly kubeconfigFlag: string | undefined;
  readonly env: NodeJS.ProcessEnv;
  /** Test seam: the token file of an in-cluster config. */
  readonly tokenPath?: string;
}

/**
 * The first kubeconfig of $KUBECONFIG (a colon-separated list, as kubectl takes it). kubectl merges the
 * list; the collector reads one file, the first, which is where kubectl takes the current context from.
 */
function firstOfKubeconfigEnv(value: string | undefined): string | undefined {
  return value
    ?.split(':')
    .map((item) => item.trim())
    .find((item) => item !== '');
}

function fromFile(path: string, origin: string): KubernetesConnection {
  const kubeConfig = new KubeConfig();
  try {
    kubeConfig.loadFromFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code ?? (error instanceof Error ? error.message.split('\n')[0] : String(error));
    throw new UsageError(`${origin} ${path}: cannot read it as a kubeconfig (${reason})`);
  }
  const context = kubeConfig.getCurrentContext();
  if (!context) throw new UsageError(`${origin} ${path}: no current-context set`);
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) {
    throw new UsageError(`${origin} ${path}: context "${context}" names no cluster found in the file`);
  }
  let server: URL;
  try {
    server = new URL(cluster.server);
  } catch {
    throw new UsageError(`${origin} ${path}: cluster "${cluster.name}" has no valid server URL`);
  }
  if (server.protocol !== 'https:' && server.protocol !== 'http:') {
    throw new UsageError(`${origin} ${path}: cluster "${cluster.name}" server must be an http(s) URL`);
  }
  return { source: path, server: cluster.server, kubeConfig };
}

/**
 * The cluster the collector watches, in client-go's order: an explicit kubeconfig (--kubeconfig,
 * NODEDOC_KUBECONFIG), then $KUBECONFIG, then the pod's service account when KUBERNETES_SERVICE_HOST is set.
 * ~/.kube/config is deliberately not read: a collector started on a laptop must not begin posting Events
 * to whatever cluster the laptop's kubectl happens to point at. A named file that cannot be used is a
 * UsageError (exit 2); finding no cluster at all is not an error (the agent's kubelet probe stands in).
 */
export function resolveKubernetes(inputs: ClusterInputs): KubernetesResolution {
  if (inputs.mode === 'off') return { connection: undefined, reason: '--kubernetes off' };
  if (inputs.kubeconfigFlag !== undefined) {
    if (inputs.kubeconfigFlag.trim() === '') throw new UsageError('--kubeconfig must not be empty');
    return { connection: fromFile(inputs.kubeconfigFlag, '--kubeconfig') };
  }
  const fromEnv = firstOfKubeconfigEnv(inputs.env.KUBECONFIG);
  if (fromEnv !== undefined) return { connection: fromFile(fromEnv, 'KUBECONFIG') };
  const host = inputs.env.KUBERNETES_SERVICE_HOST;
  if (host !== undefined && host !== '') {
    const tokenPath = inputs.tokenPath ?? SERVICE_ACCOUNT_TOKEN_PATH;
    if (!existsSync(tokenPath)) {
      return {
        connection: undefined,
        reason: `KUBERNETES_SERVICE_HOST is set but there is no service account token at ${tokenPath} (automountServiceAccountToken: false?)`,
      };
    }
    return { connection: inCluster(host, inputs.env.KUBERNETES_SERVICE_PORT ?? '443', tokenPath) };
  }
  return {
    connection: undefined,
    reason: 'no --kubeconfig, KUBECONFIG or in-cluster service account',
  };
}
