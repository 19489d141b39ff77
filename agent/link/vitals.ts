import type { Vitals } from '../../proto/gen/nodedoc/v1/Vitals.js';
import type { Samples } from '../sample-types.js';

/** The largest of the values that are known; undefined when none is. */
function largest(values: readonly (number | null | undefined)[]): number | undefined {
  let result: number | undefined;
  for (const value of values) {
    if (value !== null && value !== undefined && (result === undefined || value > result)) result = value;
  }
  return result;
}

/**
 * The report's Vitals (report.proto): a dozen numbers taken from the samples so the collector can chart
 * and compare nodes without parsing samples_json. A field is left unset (proto3 `optional`: absent on the
 * wire) when its signal was not ok this cycle or the number is not known yet (rates on the first sample).
 */
export function vitalsFrom(samples: Samples): Vitals {
  const vitals: Vitals = {};
  const { cpu, memory, disk, io, processes, conntrack, dns } = samples;
  if (cpu.status === 'ok') {
    if (cpu.pressure) vitals.cpuPressureRatio = cpu.pressure.some.avg10Ratio;
    if (cpu.busyRatio !== null) vitals.cpuBusyRatio = cpu.busyRatio;
  }
  if (memory.status === 'ok') {
    vitals.memoryAvailableBytes = memory.availableBytes;
    vitals.memoryTotalBytes = memory.totalBytes;
    if (memory.pressure?.full) vitals.memoryPressureRatio = memory.pressure.full.avg10Ratio;
  }
  if (disk.status === 'ok') {
    const filesystems = disk.filesystems.flatMap((fs) => (fs.status === 'ok' ? [fs] : []));
    const used = largest(filesystems.map((fs) => fs.usedRatio));
    if (used !== undefined) vitals.diskUsedRatio = used;
    // Counted from the inode numbers rather than 1 - inodesFreeRatio, which would carry float noise.
    const inodesUsed = largest(
      filesystems.map((fs) => (fs.inodes > 0 ? (fs.inodes - fs.inodesFree) / fs.inodes : null)),
    );
    if (inodesUsed !== undefined) vitals.inodesUsedRatio = inodesUsed;
  }
  if (io.status === 'ok' && io.pressure?.full) vitals.ioPressureRatio = io.pressure.full.avg10Ratio;
  if (processes.status === 'ok') vitals.threadsRatio = processes.threadsRatio;
  if (conntrack.status === 'ok' && conntrack.utilizationRatio !== null) {
    vitals.conntrackUtilizationRatio = conntrack.utilizationRatio;
  }
  if (dns.status === 'ok') {
    const p95 = largest(dns.servers.map((server) => server.window.p95Seconds));
    if (p95 !== undefined) vitals.dnsP95Seconds = p95;
    // A server with an empty window has failureRatio 0 by definition, which says nothing.
    const failure = largest(
      dns.servers.map((server) => (server.window.probes > 0 ? server.window.failureRatio : null)),
    );
    if (failure !== undefined) vitals.dnsFailureRatio = failure;
  }
  return vitals;
}
