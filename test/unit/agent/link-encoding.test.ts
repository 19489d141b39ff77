import { fileURLToPath } from 'node:url';
import type { MessageTypeDefinition } from '@grpc/proto-loader';
import { load } from '@grpc/proto-loader';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluate } from '../../../agent/checks/index.js';
import type { Finding } from '../../../agent/finding.js';
import { frameBatch } from '../../../agent/link/batch-frame.js';
import { type LinkCodec, loadLinkCodec } from '../../../agent/link/link-codec.js';
import { encodeHello, encodeReport } from '../../../agent/link/report-encoding.js';
import { ok } from '../../../agent/reading.js';
import { type AgentReport, buildReport } from '../../../agent/report.js';
import type { DnsServerSample, FilesystemSample, Samples } from '../../../agent/sample-types.js';
import { SIGNAL_NAMES } from '../../../agent/sample-types.js';
import { Sampler } from '../../../agent/sampler.js';
import { nodedocProtoRoot, PROTO_LOAD_OPTIONS } from '../../../common/proto/load-options.js';
import { VERSION } from '../../../common/version.js';
import type { AgentMessage__Output } from '../../../proto/gen/nodedoc/v1/AgentMessage.js';
import type { Report__Output } from '../../../proto/gen/nodedoc/v1/Report.js';
import { contextFor, reportWith, TEST_INVENTORY } from '../../harness/samples.js';

/**
 * The link's encoding, decoded by an independent loader of the same .proto files (the way the collector
 * decodes it): a report sampled from a fixture host tree survives the round trip with its findings,
 * signal states, vitals and samples; batches framed from spooled bytes decode as the proto says.
 */

const MEMORY_PRESSURE = fileURLToPath(new URL('../../fixtures/hosts/memory-pressure/', import.meta.url));

let codec: LinkCodec;
let agentMessage: MessageTypeDefinition<object, AgentMessage__Output>;
let reportType: MessageTypeDefinition<object, Report__Output>;

beforeAll(async () => {
  codec = await loadLinkCodec();
  const definitions = await load('nodedoc/v1/agent_service.proto', {
    ...PROTO_LOAD_OPTIONS,
    includeDirs: [nodedocProtoRoot()],
  });
  agentMessage = definitions['nodedoc.v1.AgentMessage'] as unknown as MessageTypeDefinition<
    object,
    AgentMessage__Output
  >;
  reportType = definitions['nodedoc.v1.Report'] as unknown as MessageTypeDefinition<object, Report__Output>;
});

function decodeReport(bytes: Buffer): Report__Output {
  return reportType.deserialize(bytes);
}

/** A real cycle of the memory-pressure fixture host (two samples, so rates are known), with its findings. */
async function fixtureReport(): Promise<AgentReport> {
  const context = contextFor(MEMORY_PRESSURE, [
    '--disk-path',
    '/var/lib/kubelet=nodefs',
    '--probe-timeout',
    '50ms',
  ]);
  const sampler = new Sampler(context);
  try {
    await sampler.sample();
    const cycle = await sampler.sample();
    return buildReport('worker-7', TEST_INVENTORY, cycle, evaluate(cycle.samples, context.config.thresholds));
  } finally {
    await sampler.close();
  }
}

describe('encodeReport', () => {
  let report: AgentReport;
  let decoded: Report__Output;

  beforeAll(async () => {
    report = await fixtureReport();
    decoded = decodeReport(codec.report(encodeReport(report, 18_446_744_073_709_551_615n)));
  });

  it('carries the sequence as a full uint64 and the sampling time to the millisecond', () => {
    expect(decoded.sequence).toBe('18446744073709551615');
    const sampledAtMs = Number(decoded.sampledAt?.seconds) * 1000 + (decoded.sampledAt?.nanos ?? 0) / 1e6;
    expect(sampledAtMs).toBe(Date.parse(report.time));
    expect(decoded.bootId).toBe(report.bootId);
    expect(decoded.sampleDurationSeconds).toBe(report.sampleDurationSeconds);
  });

  it('carries every finding with its enum ids, numbers and evidence', () => {
    // The fixture's point: MemAvailable under 100 MiB and PSI memory full above 10%.
    expect(report.findings.map((finding) => finding.check)).toEqual(
      expect.arrayContaining(['memory-available', 'memory-psi']),
    );
    expect(decoded.findings).toHaveLength(report.findings.length);
    decoded.findings.forEach((finding, index) => {
      const original = report.findings[index] as Finding;
      expect(finding.check).toBe(`CHECK_ID_${original.check.toUpperCase().replaceAll('-', '_')}`);
      expect(finding.cause).toBe(`CAUSE_ID_${original.cause.toUpperCase().replaceAll('-', '_')}`);
      expect(finding.severity).toBe(`SEVERITY_${original.severity.toUpperCase()}`);
      expect(finding.summary).toBe(original.summary);
      expect(finding.value).toBe(original.value ?? undefined);
      expect(finding.threshold).toBe(original.threshold ?? undefined);
      expect(finding.subject).toBe(original.subject ?? '');
      expect(finding.detailsJson === '' ? undefined : JSON.parse(finding.detailsJson)).toEqual(
        original.details,
      );
    });
  });

  it('carries the state of every signal, with the reason when not ok', () => {
    expect(decoded.signals.map((signal) => signal.signal)).toEqual([...SIGNAL_NAMES]);
    for (const signal of decoded.signals) {
      const reading = report.samples[signal.signal as keyof Samples];
      expect(signal.state).toBe(`SIGNAL_STATE_${reading.status.toUpperCase()}`);
      expect(signal.reason).toBe(reading.status === 'ok' ? '' : reading.reason);
    }
  });

  it('carries the full samples as JSON', () => {
    expect(JSON.parse(decoded.samplesJson)).toEqual(JSON.parse(JSON.stringify(report.samples)));
  });

  it('takes the vitals from the samples', () => {
    const { cpu, memory, processes } = report.samples;
    if (cpu.status !== 'ok' || memory.status !== 'ok' || processes.status !== 'ok') {
      throw new Error('the fixture tree should give cpu, memory and processes readings');
    }
    expect(decoded.vitals?.memoryAvailableBytes).toBe(memory.availableBytes);
    expect(decoded.vitals?.memoryTotalBytes).toBe(memory.totalBytes);
    expect(decoded.vitals?.memoryPressureRatio).toBe(memory.pressure?.full?.avg10Ratio);
    expect(decoded.vitals?.cpuPressureRatio).toBe(cpu.pressure?.some.avg10Ratio);
    // The tree's /proc/stat does not move between the two samples: no busy share (unset, not 0).
    expect(decoded.vitals?.cpuBusyRatio).toBe(cpu.busyRatio ?? undefined);
    expect(decoded.vitals?.threadsRatio).toBe(processes.threadsRatio);
  });
});

function filesystem(path: string, usedRatio: number, inodes: number, inodesFree: number): FilesystemSample {
  return {
    status: 'ok',
    path,
    role: 'nodefs',
    sizeBytes: 1000,
    availableBytes: 1000 * (1 - usedRatio),
    availableRatio: 1 - usedRatio,
    usedRatio,
    inodes,
    inodesFree,
    inodesFreeRatio: inodes > 0 ? inodesFree / inodes : null,
    mountPoint: path,
    readOnly: false,
  };
}

function dnsServer(
  server: string,
  probes: number,
  failureRatio: number,
  p95Seconds: number | null,
): DnsServerSample {
  return {
    server,
    role: 'cluster',
    probes: [],
    window: {
      probes,
      failures: Math.round(probes * failureRatio),
      failureRatio,
      timeouts: 0,
      outcomes: { ok: probes, late: 0, timeout: 0, refused: 0, rcode: 0, error: 0 },
      answered: probes,
      p50Seconds: p95Seconds,
      p95Seconds,
    },
  };
}

describe('vitals', () => {
  function vitalsOf(samples: Partial<Samples>) {
    return decodeReport(codec.report(encodeReport(reportWith(samples), 1n))).vitals;
  }

  it('are all unset when no signal is ok (unset is not 0)', () => {
    const vitals = vitalsOf({});
    expect(vitals).not.toBeNull();
    for (const value of Object.entries(vitals ?? {}).filter(([key]) => !key.startsWith('_'))) {
      expect(value[1], value[0]).toBeUndefined();
    }
  });

  it('take the fullest filesystem, the one shortest of inodes, and skip btrfs-style zero inode counts', () => {
    const vitals = vitalsOf({
      disk: ok({
        filesystems: [
          filesystem('/var/lib/kubelet', 0.42, 1000, 100),
          filesystem('/var/lib/containerd', 0.87, 1000, 990),
          filesystem('/', 0.1, 0, 0),
          { status: 'unavailable' as const, reason: 'statfs: EACCES', path: '/srv', role: 'rootfs' as const },
        ],
      }),
    });
    expect(vitals?.diskUsedRatio).toBe(0.87);
    expect(vitals?.inodesUsedRatio).toBe(0.9);
  });

  it('take the slowest DNS server p95 and the worst failure ratio, ignoring empty windows', () => {
    const vitals = vitalsOf({
      dns: ok({
        source: 'flag' as const,
        clusterDomain: 'cluster.local',
        timeoutSeconds: 2,
        windowSeconds: 60,
        servers: [
          dnsServer('10.96.0.10:53', 20, 0.25, 0.012),
          dnsServer('10.96.0.11:53', 20, 0.05, 0.31),
          dnsServer('10.96.0.12:53', 0, 0, null),
        ],
      }),
    });
    expect(vitals?.dnsP95Seconds).toBe(0.31);
    expect(vitals?.dnsFailureRatio).toBe(0.25);
  });

  it('take the CPU busy share and PSI some when known', () => {
    const some = {
      avg10Ratio: 0.43,
      avg60Ratio: 0.2,
      avg300Ratio: 0.1,
      totalSeconds: 12,
      intervalRatio: 0.9,
    };
    const vitals = vitalsOf({
      cpu: ok({
        cores: 2,
        busyRatio: 0.37,
        iowaitRatio: 0,
        stealRatio: 0,
        load1: 1,
        load5: 1,
        load15: 1,
        pressure: { some, intervalSeconds: 10 },
      }),
    });
    expect(vitals?.cpuBusyRatio).toBe(0.37);
    // The vital is avg10, as report.proto defines it and the dashboard charts it, not the interval share.
    expect(vitals?.cpuPressureRatio).toBe(0.43);
  });

  it('leave the CPU busy share unset on the first sample, when no rate is known yet', () => {
    const vitals = vitalsOf({
      cpu: ok({
        cores: 2,
        busyRatio: null,
        iowaitRatio: null,
        stealRatio: null,
        load1: 0,
        load5: 0,
        load15: 0,
        pressure: null,
      }),
    });
    expect(vitals?.cpuBusyRatio).toBeUndefined();
    expect(vitals?.cpuPressureRatio).toBeUndefined();
  });
});

describe('encodeHello', () => {
  it('names the node, its boot id, agent, kernel, OS, every signal, the epoch and the interval', () => {
    const bytes = codec.hello(
      encodeHello({
        nodeName: 'worker-7',
        bootId: 'b0a1c2d3-0000-4000-8000-000000000001',
        inventory: { ...TEST_INVENTORY, kernel: '6.1.0-18-amd64', os: 'Debian GNU/Linux 12 (bookworm)' },
        epoch: '9223372036854775809',
        intervalMs: 2_500,
      }),
    );
    const decoded = agentMessage.deserialize(bytes);
    expect(decoded.body).toBe('hello');
    expect(decoded.hello).toEqual({
      nodeName: 'worker-7',
      bootId: 'b0a1c2d3-0000-4000-8000-000000000001',
      agentVersion: VERSION,
      kernel: '6.1.0-18-amd64',
      os: 'Debian GNU/Linux 12 (bookworm)',
      capabilities: [...SIGNAL_NAMES],
      epoch: '9223372036854775809',
      interval: { seconds: '2', nanos: 500_000_000 },
    });
  });
});

describe('batch framing', () => {
  it('decodes as AgentMessage{batch} with every spooled report in order, the send time and the round trip', async () => {
    const report = await fixtureReport();
    const spooled = [1n, 2n, 3n].map((sequence) => codec.report(encodeReport(report, sequence)));
    const sentAtMs = Date.UTC(2026, 10, 23, 12, 0, 0, 250);
    const decoded = agentMessage.deserialize(codec.batch(spooled, sentAtMs, 0.125));
    expect(decoded.body).toBe('batch');
    expect(decoded.batch?.reports.map((r) => r.sequence)).toEqual(['1', '2', '3']);
    expect(decoded.batch?.reports[1]).toEqual(decodeReport(spooled[1] as Buffer));
    expect(decoded.batch?.sentAt).toEqual({
      seconds: String(Math.floor(sentAtMs / 1000)),
      nanos: 250_000_000,
    });
    expect(decoded.batch?.lastAckRttSeconds).toBe(0.125);
  });

  it('frames any number and size of reports as the proto library would (lengths past one and two varint bytes)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 70_000 }), { maxLength: 6 }), (lengths) => {
        const reports = lengths.map((length, index) =>
          codec.report({ sequence: String(index + 1), samplesJson: 'x'.repeat(length) }),
        );
        const framed = frameBatch(reports, Buffer.alloc(0));
        const decoded = agentMessage.deserialize(framed);
        expect(decoded.batch?.reports.map((r) => r.samplesJson.length)).toEqual(lengths);
        expect(decoded.batch?.reports.map((r) => r.sequence)).toEqual(lengths.map((_, i) => String(i + 1)));
      }),
      { numRuns: 60 },
    );
  });
});

describe('a report without findings or boot id', () => {
  it('encodes an unreadable boot id as empty and no findings as an empty list', () => {
    const report = { ...reportWith({}), bootId: null };
    const decoded = decodeReport(codec.report(encodeReport(report, 5n)));
    expect(decoded.bootId).toBe('');
    expect(decoded.findings).toEqual([]);
    expect(decoded.signals.every((signal) => signal.state === 'SIGNAL_STATE_ABSENT')).toBe(true);
  });
});
