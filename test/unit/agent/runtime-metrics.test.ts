import { describe, expect, it } from 'vitest';
import { NETWORK_READY, RUNTIME_READY } from '../../../agent/cri/runtime-conditions.js';
import { CycleBoard } from '../../../agent/cycle-board.js';
import { createAgentMetrics } from '../../../agent/metrics/registry.js';
import { absent, ok } from '../../../agent/reading.js';
import type { Samples } from '../../../agent/sample-types.js';
import { parseExposition, samplesOf } from '../../harness/metrics-text.js';
import { configFrom, reportWith, TEST_INVENTORY } from '../../harness/samples.js';

const CONDITION = 'nodedoc_container_runtime_condition';
const UP = 'nodedoc_container_runtime_up';

/** The agent's whole registry (so the registration in registry.ts is under test too), after one cycle. */
async function scrapeAfter(runtime: Samples['runtime']) {
  const board = new CycleBoard();
  const { registry } = createAgentMetrics(board, configFrom([]), TEST_INVENTORY);
  board.publish(reportWith({ runtime }));
  return parseExposition(await registry.metrics());
}

describe('container runtime metrics', () => {
  it('exports each reported condition as 1 (true) or 0 (false), labelled by type', async () => {
    const samples = await scrapeAfter(
      ok({
        socket: '/run/containerd/containerd.sock',
        apiVersion: 'v1',
        conditions: [
          { type: RUNTIME_READY, status: true, reason: '', message: '' },
          {
            type: NETWORK_READY,
            status: false,
            reason: 'NetworkPluginNotReady',
            message: 'cni plugin not initialized',
          },
        ],
        runtimeReady: true,
        networkReady: false,
        latencySeconds: 0.003,
        consecutiveFailures: 0,
      }),
    );
    expect(samplesOf(samples, CONDITION).map(({ labels, value }) => [labels.type, value])).toEqual([
      [RUNTIME_READY, 1],
      [NETWORK_READY, 0],
    ]);
    expect(samplesOf(samples, UP).map((sample) => sample.value)).toEqual([1]);
  });

  it('has no condition series while the runtime is down (conditions unknown), and up is 0', async () => {
    const samples = await scrapeAfter({
      status: 'down',
      reason: 'UNAVAILABLE: connect ECONNREFUSED',
      socket: '/run/containerd/containerd.sock',
      consecutiveFailures: 3,
    });
    expect(samplesOf(samples, CONDITION)).toEqual([]);
    expect(samplesOf(samples, UP).map((sample) => sample.value)).toEqual([0]);
  });

  it('has no condition series on a host without a runtime', async () => {
    const samples = await scrapeAfter(absent('no container runtime socket on this host'));
    expect(samplesOf(samples, CONDITION)).toEqual([]);
  });
});
