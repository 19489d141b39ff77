import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import type { CollectorEndpoint } from './api-client.js';
import { CliError } from './cli-error.js';
import type { Transport } from './http-transport.js';

/** deploy/ conventions: the collector's Service, its namespace and the name of its HTTP port. */
export const DEFAULT_NAMESPACE = 'nodedoc';
export const DEFAULT_SERVICE = 'nodedoc-collector';
export const SERVICE_PORT_NAME = 'http';

export interface ServiceProxyOptions {
  readonly namespace: string;
  readonly service: string;
  /** A kubeconfig context other than the current one. */
  readonly context?: string | undefined;
  /** A kubeconfig file; default kubectl's search: KUBECONFIG (a list, merged), then ~/.kube/config. */
  readonly kubeconfig?: string | undefined;
}

/**
 * The collector as the API server proxies it: baseUrl is {server}/api/v1/namespaces/NS/services/
 * http:SERVICE:http/proxy/ (API paths resolve under it), target "service NS/SERVICE via SERVER".
 */
export type ServiceProxy = CollectorEndpoint;

/** The service-proxy path of a Service's named HTTP port (scheme "http", port by name). */
export function serviceProxyPath(namespace: string, service: string): string {
  return `/api/v1/namespaces/${encodeURIComponent(namespace)}/services/http:${encodeURIComponent(service)}:${SERVICE_PORT_NAME}/proxy/`;
}

function loadKubeConfig(options: ServiceProxyOptions): KubeConfig {
  const config = new KubeConfig();
  try {
    if (options.kubeconfig !== undefined) config.loadFromFile(options.kubeconfig);
    else config.loadFromDefault();
  } catch (error) {
    throw new CliError(
      `cannot read the kubeconfig: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (options.context !== undefined) {
    if (!config.getContextObject(options.context)) {
      throw new CliError(`the kubeconfig has no context ${options.context}`);
    }
    config.setCurrentContext(options.context);
  }
  if (config.getContexts().length === 0 || !config.getCurrentCluster()) {
    throw new CliError(
      'no Kubernetes cluster in the kubeconfig (KUBECONFIG or ~/.kube/config): give --collector URL instead',
    );
  }
  return config;
}

/**
 * Reaches the collector through the API server's service proxy, authenticated as the kubeconfig's current
 * user (client certificate, bearer token or exec plugin, with the cluster's CA), like `kubectl get --raw`.
 */
export function serviceProxy(options: ServiceProxyOptions): ServiceProxy {
  const config = loadKubeConfig(options);
  const server = config.getCurrentCluster()?.server ?? '';
  let serverUrl: URL;
  try {
    serverUrl = new URL(server);
  } catch {
    throw new CliError(`the kubeconfig's cluster server ${JSON.stringify(server)} is not a URL`);
  }
  const base = new URL(serverUrl);
  base.pathname = `${serverUrl.pathname.replace(/\/+$/, '')}${serviceProxyPath(options.namespace, options.service)}`;
  const transport: Transport = async (url, timeoutMs) => {
    const requestOptions: RequestOptions & Record<string, unknown> = {
      method: 'GET',
      headers: { accept: 'application/json' },
      timeout: timeoutMs,
    };
    await config.applyToHTTPSOptions(requestOptions);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const outgoing = send(url, requestOptions, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        response.on('error', reject);
      });
      outgoing.on('timeout', () => {
        const timeout = new Error(`no answer within ${timeoutMs}ms`);
        timeout.name = 'TimeoutError';
        outgoing.destroy(timeout);
      });
      outgoing.on('error', reject);
      outgoing.end();
    });
  };
  return {
    baseUrl: base,
    transport,
    target: `service ${options.namespace}/${options.service} via ${serverUrl.origin}`,
  };
}
