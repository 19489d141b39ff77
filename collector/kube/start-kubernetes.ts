import { CoreV1Api } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { DiagnosisBoard } from '../diagnosis/diagnosis-board.js';
import { NO_READINESS, type ReadinessSource } from '../diagnosis/node-readiness.js';
import type { KubernetesMetrics } from '../metrics/kubernetes-metrics.js';
import type { KubernetesResolution } from './cluster-connection.js';
import { NodeEventPublisher } from './node-event-publisher.js';
import { NodeWatcher, type NodeWatcherOptions } from './node-watcher.js';

/** The collector's link to its cluster: readiness for the classifier, Events for on-call. */
export interface KubernetesLink {
  /** The watched Nodes' Ready conditions; NO_READINESS without a cluster. */
  readonly readiness: ReadinessSource;
  stop(): Promise<void>;
}

export interface KubernetesLinkOptions {
  readonly kubernetes: KubernetesResolution;
  readonly externalUrl: URL;
  readonly board: DiagnosisBoard;
  readonly metrics: KubernetesMetrics;
  readonly logger: Logger;
  readonly now?: () => number;
  /** Test seam: faster backoff and watch timeouts. */
  readonly watcher?: Partial<
    Pick<NodeWatcherOptions, 'backoffBaseMs' | 'backoffCapMs' | 'watchTimeoutMinSeconds'>
  >;
}

/**
 * Starts watching Nodes and posting Events when a cluster was found; otherwise says once why not and
 * returns a link with no readiness. Nothing here is awaited by start-up or by /readyz: the collector
 * serves its agents whether or not the API server answers.
 */
export function startKubernetes(options: KubernetesLinkOptions): KubernetesLink {
  const { kubernetes, logger } = options;
  if (kubernetes.connection === undefined) {
    logger.info(
      { reason: kubernetes.reason },
      'no kubernetes cluster: readiness comes from the agents, no Events are posted',
    );
    return { readiness: NO_READINESS, stop: async () => undefined };
  }
  const { kubeConfig, source, server } = kubernetes.connection;
  const watcher = new NodeWatcher({
    kubeConfig,
    metrics: options.metrics,
    logger,
    now: options.now,
    ...options.watcher,
  });
  const publisher = new NodeEventPublisher({
    api: kubeConfig.makeApiClient(CoreV1Api),
    externalUrl: options.externalUrl,
    metrics: options.metrics,
    logger,
    uidOf: (node) => watcher.uid(node),
    now: options.now,
  });
  const unsubscribe = options.board.subscribe((node, diagnosis) => publisher.publish(node, diagnosis));
  // A Node deleted from the cluster (scaled in, replaced) takes its Event state with it.
  watcher.subscribe((node) => {
    if (watcher.uid(node) === undefined) publisher.forget(node);
  });
  watcher.start();
  publisher.start();
  logger.info({ source, server }, 'watching kubernetes nodes; posting diagnosis events');
  return {
    readiness: watcher,
    async stop() {
      unsubscribe();
      await Promise.all([watcher.stop(), publisher.stop()]);
    },
  };
}
