import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseExposition, samplesOf } from '../../harness/metrics-text.js';
import { promtoolCheckMetrics } from '../../harness/promtool.js';
import { requires } from '../../harness/system-requirements.js';
import { waitFor } from '../../harness/wait-for.js';
import {
  AgentStream,
  agentServiceClient,
  finding,
  hello,
  queryServiceClient,
  report,
} from './agent-client-support.js';
import { startTestCollector, type TestCollector } from './collector-test-support.js';

let harness: TestCollector;

async function scrape(): Promise<{
  text: string;
  value: (name: string, labels?: Record<string, string>) => number[];
}> {
  const response = await fetch(`${harness.httpBase}/metrics`);
  expect(response.status).toBe(200);
  const text = await response.text();
  const samples = parseExposition(text);
  return {
    text,
    value: (name, labels = {}) => samplesOf(samples, name, labels).map((sample) => sample.value),
  };
}

beforeAll(async () => {
  harness = await startTestCollector();
  await harness.collector.serving;
});

afterAll(() => harness.cleanup());

describe('collector /metrics', () => {
  it('counts streams, reports, duplicates, gaps, rejections and latency, with a one-hot status per node', async () => {
    const client = agentServiceClient(harness.grpcTarget);
    const stream = new AgentStream(client);
    await stream.hello(hello('m-1'));
    await stream.batch([report(1), report(2, { findings: [finding({ severity: 'SEVERITY_WARNING' })] })], 2);
    // A replay of 2 and a jump from 2 to 5: one duplicate, two gaps.
    await stream.batch([report(2), report(5, { findings: [finding({ severity: 'SEVERITY_WARNING' })] })], 3);
    const rejected = new AgentStream(client);
    rejected.send({ hello: hello('Not_A_Node') });
    await rejected.status;
    const watch = queryServiceClient(harness.grpcTarget).watchDiagnoses({});
    watch.on('error', () => undefined);
    await new Promise((resolve) => watch.once('data', resolve));

    const { value } = await scrape();
    expect(value('nodedoc_collector_streams_connected')).toEqual([1]);
    expect(value('nodedoc_collector_reports_received_total')).toEqual([4]);
    expect(value('nodedoc_collector_reports_stored_total')).toEqual([3]);
    expect(value('nodedoc_collector_report_duplicates_total')).toEqual([1]);
    expect(value('nodedoc_collector_report_gaps_total')).toEqual([2]);
    expect(value('nodedoc_collector_streams_rejected_total', { reason: 'invalid-hello' })).toEqual([1]);
    expect(value('nodedoc_collector_streams_rejected_total', { reason: 'invalid-batch' })).toEqual([0]);
    expect(value('nodedoc_collector_ingest_latency_seconds_count')).toEqual([2]);
    expect(value('nodedoc_collector_watchers')).toEqual([1]);
    expect(value('nodedoc_collector_store_size_bytes')[0]).toBeGreaterThan(4096);
    // The hello and the two batches were each committed on their own (nothing else was writing).
    expect(value('nodedoc_collector_store_commits_total', { result: 'ok' })).toEqual([3]);
    expect(value('nodedoc_collector_store_commits_total', { result: 'failed' })).toEqual([0]);
    expect(value('nodedoc_collector_store_commit_duration_seconds_count')).toEqual([3]);
    // Rows handled: the hello's node row, then the reports of each batch (the replay is judged in its commit).
    expect(value('nodedoc_collector_store_commit_rows_sum')).toEqual([1 + 2 + 2]);
    expect(value('nodedoc_collector_eventloop_delay_p99_seconds')).toHaveLength(1);
    expect(value('nodedoc_node_status', { node: 'm-1', status: 'AtRisk' })).toEqual([1]);
    for (const other of ['Ready', 'NotReady', 'Unreachable']) {
      expect(value('nodedoc_node_status', { node: 'm-1', status: other }), other).toEqual([0]);
    }
    // One series per active cause: the warning seen in two consecutive reports.
    expect(
      value('nodedoc_node_cause', {
        node: 'm-1',
        cause: 'memory-pressure',
        severity: 'warning',
        scope: 'node',
      }),
    ).toEqual([1]);
    expect(value('nodedoc_node_cause')).toEqual([1]);
    // Hello plus one judgement per batch at least (fleet and sweep may add more).
    expect(value('nodedoc_classification_duration_seconds_count')[0]).toBeGreaterThanOrEqual(3);

    stream.end();
    watch.cancel();
    await stream.status;
    await waitFor('the stream gauge to drop', async () =>
      (await scrape()).value('nodedoc_collector_streams_connected')[0] === 0 ? true : undefined,
    );
    client.close();
  });

  it('compresses a scrape for a client that accepts gzip', async () => {
    const response = await fetch(`${harness.httpBase}/metrics`, { headers: { 'accept-encoding': 'gzip' } });
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect(await response.text()).toContain('nodedoc_collector_info{version=');
  });
});

describe.skipIf(requires({ commands: ['promtool'] }))('collector /metrics under promtool', () => {
  it('is clean under `promtool check metrics`', async () => {
    const { text } = await scrape();
    expect(await promtoolCheckMetrics(text)).toEqual({ code: 0, problems: [] });
  });
});
