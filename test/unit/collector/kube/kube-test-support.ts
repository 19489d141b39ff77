import { Writable } from 'node:stream';
import { KubeConfig } from '@kubernetes/client-node';
import { type Logger, pino } from 'pino';
import { Registry } from 'prom-client';
import {
  type KubernetesMetrics,
  registerKubernetesMetrics,
} from '../../../../collector/metrics/kubernetes-metrics.js';

/** A debug logger whose JSON lines the test reads. */
export function captureLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString().split('\n'))
        if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  return { logger: pino({ level: 'debug', base: null }, sink), lines };
}

export function freshMetrics(): { registry: Registry; metrics: KubernetesMetrics } {
  const registry = new Registry();
  return { registry, metrics: registerKubernetesMetrics(registry) };
}

/** The current value of a metric sample (0 when the labelled series does not exist yet). */
export async function metricValue(
  registry: Registry,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  const match = values.find((sample) =>
    Object.entries(labels).every(([key, value]) => String(sample.labels[key]) === value),
  );
  return match?.value ?? 0;
}

export function kubeConfigFrom(path: string): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(path);
  return kubeConfig;
}
