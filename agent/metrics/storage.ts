import type { MetricsContext } from './metrics-context.js';
import { snapshotGauge } from './snapshot-gauge.js';

/** Filesystem space/inodes/read-only per watched path, and per-disk await and utilisation. */
export function registerStorageGauges({ registry, board }: MetricsContext): void {
  const filesystems = (report: Parameters<Parameters<typeof snapshotGauge>[3]>[0]) =>
    report.samples.disk.status === 'ok'
      ? report.samples.disk.filesystems.flatMap((fs) => (fs.status === 'ok' ? [fs] : []))
      : [];
  const perPath = (
    name: string,
    help: string,
    value: (fs: ReturnType<typeof filesystems>[number]) => number | null,
  ) =>
    snapshotGauge(registry, board, { name, help, labelNames: ['path', 'role'] }, (report) =>
      filesystems(report).flatMap((fs) => {
        const v = value(fs);
        return v === null ? [] : [[{ path: fs.path, role: fs.role }, v] as const];
      }),
    );
  perPath(
    'nodedoc_filesystem_size_bytes',
    'Size of the filesystem holding each watched path.',
    (fs) => fs.sizeBytes,
  );
  perPath(
    'nodedoc_filesystem_available_bytes',
    'Space available to unprivileged users (statfs f_bavail).',
    (fs) => fs.availableBytes,
  );
  perPath('nodedoc_filesystem_files', 'Inodes of the filesystem.', (fs) => fs.inodes);
  perPath('nodedoc_filesystem_files_free', 'Free inodes of the filesystem.', (fs) => fs.inodesFree);
  perPath('nodedoc_filesystem_readonly', '1 when the mount holding the path is read-only.', (fs) =>
    fs.readOnly === null ? null : fs.readOnly ? 1 : 0,
  );

  const devices = (
    name: string,
    help: string,
    value: (d: { awaitSeconds: number | null; utilizationRatio: number }) => number | null,
  ) =>
    snapshotGauge(registry, board, { name, help, labelNames: ['device'] }, ({ samples: { io } }) =>
      io.status !== 'ok'
        ? []
        : io.devices.flatMap((device) => {
            const v = value(device);
            return v === null ? [] : [[{ device: device.device }, v] as const];
          }),
    );
  devices(
    'nodedoc_disk_await_seconds',
    'Mean time per completed block request since the previous sample.',
    (d) => d.awaitSeconds,
  );
  devices(
    'nodedoc_disk_utilization_ratio',
    'Share of time the disk had requests in flight.',
    (d) => d.utilizationRatio,
  );
}
