import type { MetricsContext } from './metrics-context.js';
import { snapshotGauge } from './snapshot-gauge.js';

/** Up/down of the probed endpoints and the kubelet client certificate's expiry. */
export function registerEndpointGauges({ registry, board }: MetricsContext): void {
  const up = (signal: 'kubelet' | 'runtime' | 'apiserver', name: string, help: string) =>
    snapshotGauge(registry, board, { name, help }, ({ samples }) => {
      const reading = samples[signal];
      if (reading.status === 'ok') return [[{}, 1]];
      if (reading.status === 'down') return [[{}, 0]];
      return [];
    });
  up(
    'kubelet',
    'nodedoc_kubelet_up',
    '1 when the kubelet healthz answered 200, 0 when it is down; absent when no kubelet is expected.',
  );
  up(
    'runtime',
    'nodedoc_container_runtime_up',
    '1 when CRI RuntimeService/Status answered, 0 when the runtime is down.',
  );
  up(
    'apiserver',
    'nodedoc_apiserver_up',
    '1 when the API server answered GET /readyz (any HTTP status), 0 when unreachable.',
  );
  snapshotGauge(
    registry,
    board,
    {
      name: 'nodedoc_kubelet_certificate_expiry_timestamp_seconds',
      help: 'notAfter of the kubelet client certificate, Unix time.',
    },
    ({ samples: { certificate } }) =>
      certificate.status === 'ok' ? [[{}, Math.floor(Date.parse(certificate.notAfter) / 1000)]] : [],
  );
}
