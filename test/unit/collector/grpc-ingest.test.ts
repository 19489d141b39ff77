import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MAX_ACK_RTT_SECONDS,
  MAX_AGENT_VERSION_LENGTH,
  MAX_BOOT_ID_LENGTH,
  MAX_CAPABILITIES,
  MAX_CAPABILITY_LENGTH,
  MAX_DETAILS_JSON_BYTES,
  MAX_FINDINGS_PER_REPORT,
  MAX_INTERVAL_MS,
  MAX_KERNEL_LENGTH,
  MAX_MESSAGE_BYTES,
  MAX_OS_LENGTH,
  MAX_REASON_BYTES,
  MAX_REPORTS_PER_BATCH,
  MAX_SAMPLE_DURATION_SECONDS,
  MAX_SAMPLES_JSON_BYTES,
  MAX_SIGNAL_NAME_LENGTH,
  MAX_SIGNALS_PER_REPORT,
  MAX_SUBJECT_BYTES,
  MAX_SUMMARY_BYTES,
  MAX_TIMESTAMP_SECONDS,
  MIN_INTERVAL_MS,
} from '../../../collector/ingest/wire-limits.js';
import { MAX_NODE_NAME_LENGTH } from '../../../collector/node-name.js';
import type { AgentMessage } from '../../../proto/gen/nodedoc/v1/AgentMessage.js';
import type { AgentServiceClient } from '../../../proto/gen/nodedoc/v1/AgentService.js';
import type { CheckId } from '../../../proto/gen/nodedoc/v1/CheckId.js';
import type { Report } from '../../../proto/gen/nodedoc/v1/Report.js';
import {
  AgentStream,
  agentServiceClient,
  batch,
  finding,
  hello,
  report,
  T0_MS,
  timestamp,
} from './agent-client-support.js';
import { getJson, startTestCollector, type TestCollector } from './collector-test-support.js';

let harness: TestCollector;
let client: AgentServiceClient;

beforeAll(async () => {
  harness = await startTestCollector();
  await harness.collector.serving;
  client = agentServiceClient(harness.grpcTarget);
});

afterAll(async () => {
  client.close();
  await harness.cleanup();
});

interface Ingest {
  received: number;
  lastSeq: string;
  gaps: number;
  duplicates: number;
}

async function ingestOf(node: string): Promise<Ingest> {
  const { status: code, body } = await getJson(harness.httpBase, `/api/v1/nodes/${node}`);
  expect(code).toBe(200);
  return (body as { ingest: Ingest }).ingest;
}

describe('AgentService.Report over real gRPC with the SQLite store', () => {
  it('answers a hello with a Welcome and each batch with an Ack once stored', async () => {
    const stream = new AgentStream(client);
    expect(await stream.hello(hello('worker-1'))).toBe('0');
    expect(await stream.batch([report(1), report(2), report(3)], 2)).toBe('3');
    expect(await stream.batch([report(4)], 3)).toBe('4');
    expect(await ingestOf('worker-1')).toEqual({ received: 4, lastSeq: '4', gaps: 0, duplicates: 0 });
    stream.end();
    expect((await stream.status).code).toBe(status.OK);
  });

  it('tells a reconnecting agent what is stored, stores replays once and counts skipped sequences as gaps', async () => {
    const first = new AgentStream(client);
    expect(await first.hello(hello('worker-2'))).toBe('0');
    expect(await first.batch([report(1), report(2)], 2)).toBe('2');
    first.end();
    await first.status;

    const second = new AgentStream(client);
    expect(await second.hello(hello('worker-2'))).toBe('2');
    // A replay of 1-2 (already stored) with 3 new, then a jump from 3 to 6: 4 and 5 never arrive.
    expect(await second.batch([report(1), report(2), report(3)], 2)).toBe('3');
    expect(await second.batch([report(6)], 3)).toBe('6');
    expect(await ingestOf('worker-2')).toEqual({ received: 4, lastSeq: '6', gaps: 2, duplicates: 2 });
    second.end();
    await second.status;
  });

  it('ends an older stream of the same node with ABORTED when a newer one says hello', async () => {
    const older = new AgentStream(client);
    await older.hello(hello('worker-3'));
    const newer = new AgentStream(client);
    await newer.hello(hello('worker-3'));
    const ended = await older.status;
    expect(ended.code).toBe(status.ABORTED);
    expect(ended.details).toBe('a newer stream from node worker-3 replaced this one');
    expect(await newer.batch([report(1)], 2)).toBe('1');
    newer.end();
  });
});

/** A stream for `node` that says hello and sends `afterHello`; or sends `first` as its very first message. */
type Misbehaviour =
  | { first: AgentMessage }
  | { helloWith: Parameters<typeof hello>[1]; node?: string }
  | { afterHello: AgentMessage[] };

const big = (bytes: number) => 'x'.repeat(bytes);
const withReport = (overrides: Partial<Report>): AgentMessage => ({ batch: batch([report(1, overrides)]) });
const withFinding = (overrides: Parameters<typeof finding>[0]): AgentMessage =>
  withReport({ findings: [finding(overrides)] });

/** Every limit and rule of validation, each with the status message it must produce. */
const CASES: Array<[string, Misbehaviour, RegExp]> = [
  ['a batch before any hello', { first: { batch: batch([report(1)]) } }, /must be a hello, not a batch/],
  ['an empty first message', { first: {} }, /must be a hello, not an empty message/],
  ['a second hello', { afterHello: [{ hello: hello('bad-node') }] }, /a hello may only be the first message/],
  ['a message with no body after hello', { afterHello: [{}] }, /message has no body/],
  [
    'an upper-case node name',
    { helloWith: {}, node: 'Worker_1' },
    /node_name: "Worker_1" must be a DNS-1123 subdomain/,
  ],
  ['an empty node name', { helloWith: {}, node: '' }, /node_name: "" must not be empty/],
  [
    'a node name over 253 characters',
    { helloWith: {}, node: `${'a'.repeat(MAX_NODE_NAME_LENGTH)}b` },
    /node_name: "a+b" is 254 characters; at most 253/,
  ],
  ['a boot id that is not a UUID', { helloWith: { bootId: 'boot id!' } }, /boot_id: must be a UUID/],
  [
    'a boot id too long',
    { helloWith: { bootId: 'a'.repeat(MAX_BOOT_ID_LENGTH + 1) } },
    /boot_id: is 65 characters/,
  ],
  [
    'an agent version too long',
    { helloWith: { agentVersion: 'v'.repeat(MAX_AGENT_VERSION_LENGTH + 1) } },
    /agent_version: is 65 characters/,
  ],
  [
    'a kernel release too long',
    { helloWith: { kernel: 'k'.repeat(MAX_KERNEL_LENGTH + 1) } },
    /kernel: is 257 characters/,
  ],
  ['an OS name too long', { helloWith: { os: 'o'.repeat(MAX_OS_LENGTH + 1) } }, /os: is 257 characters/],
  [
    'a kernel release with an escape sequence',
    { helloWith: { kernel: '6.1\u001b[31m' } },
    /kernel: contains control characters/,
  ],
  [
    'too many capabilities',
    { helloWith: { capabilities: Array.from({ length: MAX_CAPABILITIES + 1 }, (_, i) => `s${i}`) } },
    /capabilities: has 65 entries; at most 64/,
  ],
  [
    'a capability that is not a signal name',
    { helloWith: { capabilities: ['CPU!'] } },
    /capabilities\[0\]: must be a signal name/,
  ],
  [
    'a capability too long',
    { helloWith: { capabilities: ['c'.repeat(MAX_CAPABILITY_LENGTH + 1)] } },
    /capabilities\[0\]: is 64 characters/,
  ],
  ['no interval', { helloWith: { interval: null } }, /interval: must be set/],
  [
    'an interval below the agent minimum',
    { helloWith: { interval: { seconds: '0', nanos: (MIN_INTERVAL_MS - 1) * 1e6 } } },
    /interval: is 99ms; expected 100ms to 3600000ms/,
  ],
  [
    'an interval over an hour',
    { helloWith: { interval: { seconds: String(MAX_INTERVAL_MS / 1000 + 1), nanos: 0 } } },
    /interval: is 3601000ms/,
  ],
  ['a batch with no reports', { afterHello: [{ batch: batch([]) }] }, /reports: must have at least 1 entry/],
  [
    'a batch of too many reports',
    {
      afterHello: [
        { batch: batch(Array.from({ length: MAX_REPORTS_PER_BATCH + 1 }, (_, i) => report(i + 1))) },
      ],
    },
    /reports: has 1001 entries; at most 1000/,
  ],
  [
    'sequence 0',
    { afterHello: [withReport({ sequence: '0' })] },
    /reports\[0\].sequence: must be at least 1/,
  ],
  [
    'a sequence past the store’s signed 64-bit range',
    { afterHello: [withReport({ sequence: String(2n ** 63n) })] },
    /reports\[0\].sequence: must be at most 9223372036854775807/,
  ],
  [
    'reports out of sequence order',
    { afterHello: [{ batch: batch([report(2), report(2)]) }] },
    /reports\[1\].sequence: 2 does not follow 2/,
  ],
  [
    'a report with no sampled_at',
    { afterHello: [withReport({ sampledAt: null })] },
    /reports\[0\].sampled_at: must be set/,
  ],
  [
    'a sampled_at past year 9999',
    { afterHello: [withReport({ sampledAt: { seconds: String(MAX_TIMESTAMP_SECONDS + 1), nanos: 0 } })] },
    /sampled_at: seconds 253402300800 is outside/,
  ],
  [
    'a negative nanos',
    { afterHello: [withReport({ sampledAt: { seconds: '1', nanos: -1 } })] },
    /sampled_at: nanos -1/,
  ],
  [
    'a report boot id with spaces',
    { afterHello: [withReport({ bootId: 'not a uuid' })] },
    /reports\[0\].boot_id: must be a UUID/,
  ],
  [
    'too many findings',
    {
      afterHello: [
        withReport({ findings: Array.from({ length: MAX_FINDINGS_PER_REPORT + 1 }, () => finding()) }),
      ],
    },
    /findings: has 257 entries; at most 256/,
  ],
  [
    'an unknown check id',
    { afterHello: [withFinding({ check: 999 as CheckId })] },
    /findings\[0\].check: 999 is not a known value/,
  ],
  [
    'an unspecified check',
    { afterHello: [withFinding({ check: 'CHECK_ID_UNSPECIFIED' })] },
    /check: must be set/,
  ],
  [
    'an unspecified cause',
    { afterHello: [withFinding({ cause: 'CAUSE_ID_UNSPECIFIED' })] },
    /cause: must be set/,
  ],
  [
    'an unspecified severity',
    { afterHello: [withFinding({ severity: 'SEVERITY_UNSPECIFIED' })] },
    /severity: must be set/,
  ],
  ['an empty summary', { afterHello: [withFinding({ summary: ' ' })] }, /summary: must not be empty/],
  [
    'a summary too long',
    { afterHello: [withFinding({ summary: big(MAX_SUMMARY_BYTES + 1) })] },
    /summary: is 1025 bytes; at most 1024/,
  ],
  [
    'a summary with a NUL',
    { afterHello: [withFinding({ summary: 'a\u0000b' })] },
    /summary: contains control characters/,
  ],
  [
    'a subject too long',
    { afterHello: [withFinding({ subject: big(MAX_SUBJECT_BYTES + 1) })] },
    /subject: is 1025 bytes/,
  ],
  ['a NaN value', { afterHello: [withFinding({ value: Number.NaN })] }, /value: must be a finite number/],
  [
    'an infinite threshold',
    { afterHello: [withFinding({ threshold: Number.POSITIVE_INFINITY })] },
    /threshold: must be a finite/,
  ],
  [
    'details that are not JSON',
    { afterHello: [withFinding({ detailsJson: '{victims' })] },
    /details_json: is not JSON/,
  ],
  [
    'details that are an array',
    { afterHello: [withFinding({ detailsJson: '[1]' })] },
    /details_json: must be a JSON object/,
  ],
  [
    'details too large',
    { afterHello: [withFinding({ detailsJson: JSON.stringify({ line: big(MAX_DETAILS_JSON_BYTES) }) })] },
    /details_json: is 65547 bytes; at most 65536/,
  ],
  [
    'too many signals',
    {
      afterHello: [
        withReport({
          signals: Array.from({ length: MAX_SIGNALS_PER_REPORT + 1 }, () => ({
            signal: 'cpu',
            state: 'SIGNAL_STATE_OK' as const,
            reason: '',
          })),
        }),
      ],
    },
    /signals: has 65 entries; at most 64/,
  ],
  [
    'a signal name that is not one',
    { afterHello: [withReport({ signals: [{ signal: 'CPU', state: 'SIGNAL_STATE_OK', reason: '' }] })] },
    /signals\[0\].signal: must be a signal name/,
  ],
  [
    'a signal name too long',
    {
      afterHello: [
        withReport({
          signals: [{ signal: 's'.repeat(MAX_SIGNAL_NAME_LENGTH + 1), state: 'SIGNAL_STATE_OK', reason: '' }],
        }),
      ],
    },
    /signals\[0\].signal: is 64 characters/,
  ],
  [
    'an unspecified signal state',
    {
      afterHello: [
        withReport({ signals: [{ signal: 'cpu', state: 'SIGNAL_STATE_UNSPECIFIED', reason: '' }] }),
      ],
    },
    /signals\[0\].state: must be set/,
  ],
  [
    'a reason too long',
    {
      afterHello: [
        withReport({
          signals: [{ signal: 'dns', state: 'SIGNAL_STATE_DOWN', reason: big(MAX_REASON_BYTES + 1) }],
        }),
      ],
    },
    /signals\[0\].reason: is 1025 bytes/,
  ],
  [
    'a ratio above 1',
    { afterHello: [withReport({ vitals: { cpuPressureRatio: 1.5 } })] },
    /vitals.cpu_pressure_ratio: is 1.5; expected 0 to 1/,
  ],
  [
    'negative bytes',
    { afterHello: [withReport({ vitals: { memoryAvailableBytes: -1 } })] },
    /vitals.memory_available_bytes: is -1/,
  ],
  [
    'a NaN vital',
    { afterHello: [withReport({ vitals: { dnsP95Seconds: Number.NaN } })] },
    /vitals.dns_p95_seconds: must be a finite/,
  ],
  [
    'samples JSON too large',
    { afterHello: [withReport({ samplesJson: `{"x":"${big(MAX_SAMPLES_JSON_BYTES)}"}` })] },
    /samples_json: is 524296 bytes; at most 524288/,
  ],
  [
    'samples JSON that is not an object',
    { afterHello: [withReport({ samplesJson: '[1,2]' })] },
    /samples_json: must be a JSON object/,
  ],
  [
    'a negative sample duration',
    { afterHello: [withReport({ sampleDurationSeconds: -1 })] },
    /sample_duration_seconds: is -1/,
  ],
  [
    'a sample duration over an hour',
    { afterHello: [withReport({ sampleDurationSeconds: MAX_SAMPLE_DURATION_SECONDS + 1 })] },
    /sample_duration_seconds: is 3601/,
  ],
  [
    'a sent_at out of range',
    { afterHello: [{ batch: batch([report(1)], { sentAt: { seconds: '1', nanos: 2e9 } }) }] },
    /sent_at: nanos 2000000000/,
  ],
  [
    'an ack round trip over an hour',
    { afterHello: [{ batch: batch([report(1)], { lastAckRttSeconds: MAX_ACK_RTT_SECONDS + 1 }) }] },
    /last_ack_rtt_seconds: is 3601/,
  ],
];

describe('validation ends only the offending stream', () => {
  let healthy: AgentStream;
  let acks = 1;
  let sequence = 0;

  beforeAll(async () => {
    healthy = new AgentStream(client);
    await healthy.hello(hello('steady-node'));
  });

  afterAll(() => healthy.end());

  it.each(CASES)(
    '%s → INVALID_ARGUMENT, one log line, others unaffected',
    async (_name, misbehaviour, message) => {
      const linesBefore = harness.logLines().length;
      const stream = new AgentStream(client);
      if ('first' in misbehaviour) {
        stream.send(misbehaviour.first);
      } else if ('helloWith' in misbehaviour) {
        stream.send({ hello: hello(misbehaviour.node ?? 'bad-node', misbehaviour.helloWith) });
      } else {
        await stream.hello(hello('bad-node'));
        for (const next of misbehaviour.afterHello) stream.send(next);
      }
      const ended = await stream.status;
      expect(ended.code).toBe(status.INVALID_ARGUMENT);
      expect(ended.details).toMatch(message);

      const rejections = harness
        .logLines()
        .slice(linesBefore)
        .filter((line) => line.msg === 'agent stream ended by the collector');
      expect(rejections).toHaveLength(1);
      expect(rejections[0]).toMatchObject({
        level: 'warn',
        peer: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
      });
      expect(rejections[0]?.detail).toBe(ended.details);
      if (!('first' in misbehaviour) && !('helloWith' in misbehaviour))
        expect(rejections[0]?.node).toBe('bad-node');

      // The healthy stream is still open and storing.
      sequence += 1;
      acks += 1;
      expect(await healthy.batch([report(sequence)], acks)).toBe(String(sequence));
    },
  );

  it('rejects a message over the receive limit with RESOURCE_EXHAUSTED before decoding it', async () => {
    const stream = new AgentStream(client);
    await stream.hello(hello('bad-node'));
    stream.send({ batch: batch([report(1, { samplesJson: `{"x":"${big(MAX_MESSAGE_BYTES)}"}` })]) });
    const ended = await stream.status;
    expect(ended.code).toBe(status.RESOURCE_EXHAUSTED);
    sequence += 1;
    acks += 1;
    expect(await healthy.batch([report(sequence)], acks)).toBe(String(sequence));
  });

  it('stored nothing from any rejected stream', async () => {
    const { body } = await getJson(harness.httpBase, '/api/v1/nodes/bad-node');
    expect((body as { ingest: Ingest }).ingest.received).toBe(0);
    expect((await ingestOf('steady-node')).received).toBe(sequence);
  });
});

describe('sampled times', () => {
  it('keeps the agent clock as sent (a skewed clock is evidence, not an error)', async () => {
    const stream = new AgentStream(client);
    await stream.hello(hello('old-clock'));
    const sampledAt = timestamp(T0_MS - 40 * 365 * 86_400_000);
    expect(await stream.batch([report(1, { sampledAt })], 2)).toBe('1');
    const { body } = await getJson(harness.httpBase, '/api/v1/nodes/old-clock');
    expect((body as { lastReport: { sampledAt: string } }).lastReport.sampledAt).toBe(
      new Date(T0_MS - 40 * 365 * 86_400_000).toISOString(),
    );
    stream.end();
  });
});
