import { describe, expect, it } from 'vitest';
import { buildAgentConfig } from '../../../agent/config/agent-config.js';
import { AGENT_FLAGS } from '../../../agent/config/agent-flags.js';
import { parseFlags } from '../../../common/cli/parse-flags.js';
import {
  argValue,
  findObject,
  onlyContainer,
  renderDeploy,
  type Workload,
} from '../../harness/deploy-manifests.js';

/** The agent's benchmarked peak RSS on a node-like host streaming to a collector (README "Performance"). */
const BENCHMARK_PEAK_RSS_MIB = 63;

const objects = renderDeploy();
const daemonSet = findObject<Workload>(objects, 'DaemonSet', 'nodedoc-agent');
const pod = daemonSet.spec.template.spec;
const agent = onlyContainer(daemonSet);
const args = agent.args ?? [];

function mebibytes(quantity: string | undefined): number {
  const match = /^(\d+)(Mi|Gi)$/.exec(quantity ?? '');
  if (!match) throw new Error(`unexpected memory quantity ${quantity}`);
  return Number(match[1]) * (match[2] === 'Gi' ? 1024 : 1);
}

describe('agent DaemonSet', () => {
  it('runs in the host network namespace and still resolves cluster names', () => {
    expect(pod.hostNetwork).toBe(true);
    expect(pod.dnsPolicy).toBe('ClusterFirstWithHostNet');
  });

  it('keeps running on NotReady, pressured and cordoned nodes', () => {
    expect(pod.tolerations).toEqual([{ operator: 'Exists' }]);
    expect(pod.priorityClassName).toBe('system-node-critical');
  });

  it('rolls out to at most a tenth of the nodes at a time', () => {
    expect(daemonSet.spec.updateStrategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: '10%' },
    });
  });

  it('mounts the host root, /proc, /sys and /dev/kmsg read-only, and only the spool writable', () => {
    const volumes = new Map((pod.volumes ?? []).map((volume) => [volume.name, volume]));
    const mounts = (agent.volumeMounts ?? []).map((mount) => ({
      hostPath: volumes.get(mount.name)?.hostPath?.path,
      mountPath: mount.mountPath,
      readOnly: mount.readOnly ?? false,
      propagation: mount.mountPropagation,
    }));
    expect(mounts).toEqual([
      { hostPath: '/', mountPath: '/host', readOnly: true, propagation: 'HostToContainer' },
      { hostPath: '/proc', mountPath: '/host/proc', readOnly: true, propagation: undefined },
      { hostPath: '/sys', mountPath: '/host/sys', readOnly: true, propagation: undefined },
      { hostPath: '/dev/kmsg', mountPath: '/host/dev/kmsg', readOnly: true, propagation: undefined },
      {
        hostPath: '/var/lib/nodedoc',
        mountPath: '/var/lib/nodedoc',
        readOnly: false,
        propagation: undefined,
      },
    ]);
    expect(volumes.get('host-kmsg')?.hostPath?.type).toBe('CharDevice');
  });

  it('reads the host through those mounts and spools to the writable one', () => {
    expect(argValue(args, 'host-root')).toBe('/host');
    expect(argValue(args, 'spool-dir')).toBe('/var/lib/nodedoc');
  });

  it('drops every capability but SYSLOG (for /dev/kmsg), with no escalation and a read-only root', () => {
    expect(agent.securityContext).toMatchObject({
      privileged: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'], add: ['SYSLOG'] },
    });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.hostPID ?? false).toBe(false);
    expect(pod.hostIPC ?? false).toBe(false);
  });

  it('takes its node name from the pod spec', () => {
    expect(agent.env).toContainEqual({
      name: 'NODE_NAME',
      valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } },
    });
  });

  it('probes liveness and readiness on /healthz of its metrics port, 9101', () => {
    const metricsPort = agent.ports?.find((port) => port.name === 'metrics');
    expect(metricsPort?.containerPort).toBe(9101);
    for (const probe of [agent.livenessProbe, agent.readinessProbe]) {
      expect(probe?.httpGet).toEqual({ path: '/healthz', port: 'metrics' });
    }
    expect(argValue(args, 'metrics-listen')).toBe(':9101');
  });

  it('streams to the collector Service and probes the node’s upstream resolvers', () => {
    expect(argValue(args, 'collector')).toBe('nodedoc-collector.nodedoc.svc:50051');
    expect(argValue(args, 'dns-probe-upstream')).toBe(true);
    const service = findObject<{ spec: { ports: { name: string; port: number }[] } }>(
      objects,
      'Service',
      'nodedoc-collector',
    );
    expect(service.spec.ports.find((port) => port.name === 'grpc')?.port).toBe(50051);
  });

  it('passes only flags the agent has, with values it accepts', () => {
    expect(agent.command).toEqual(['nodedoc-agent']);
    const config = buildAgentConfig(parseFlags(AGENT_FLAGS, args, {}), { NODE_NAME: 'node-a' });
    expect(config).toMatchObject({
      once: false,
      hostRoot: '/host',
      nodeName: 'node-a',
      spoolDir: '/var/lib/nodedoc',
      dnsProbeUpstream: true,
      collector: expect.anything(),
    });
  });

  it('requests the benchmarked peak memory and limits it with headroom', () => {
    const request = mebibytes(agent.resources?.requests?.memory);
    const limit = mebibytes(agent.resources?.limits?.memory);
    expect(request).toBeGreaterThanOrEqual(BENCHMARK_PEAK_RSS_MIB);
    expect(limit).toBeGreaterThanOrEqual(2 * BENCHMARK_PEAK_RSS_MIB);
    expect(agent.resources?.requests?.cpu).toBe('10m');
    expect(agent.resources?.limits?.cpu).toBeDefined();
  });
});
