import { describe, expect, it } from 'vitest';
import { buildCollectorConfig } from '../../../collector/config/collector-config.js';
import { COLLECTOR_FLAGS } from '../../../collector/config/collector-flags.js';
import { parseFlags } from '../../../common/cli/parse-flags.js';
import {
  argValue,
  findObject,
  onlyContainer,
  renderDeploy,
  type Workload,
} from '../../harness/deploy-manifests.js';

const objects = renderDeploy();
const deployment = findObject<Workload>(objects, 'Deployment', 'nodedoc-collector');
const pod = deployment.spec.template.spec;
const collector = onlyContainer(deployment);
const args = collector.args ?? [];

describe('collector Deployment', () => {
  it('runs one replica and never two at once (Recreate), since its store is one file', () => {
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.strategy).toEqual({ type: 'Recreate' });
  });

  it('keeps --data-dir on the PersistentVolumeClaim', () => {
    const mount = collector.volumeMounts?.find(
      (candidate) => candidate.mountPath === argValue(args, 'data-dir'),
    );
    const volume = pod.volumes?.find((candidate) => candidate.name === mount?.name);
    expect(volume?.persistentVolumeClaim?.claimName).toBe('nodedoc-collector-data');
    const claim = findObject<{ spec: { accessModes: string[] } }>(
      objects,
      'PersistentVolumeClaim',
      'nodedoc-collector-data',
    );
    expect(claim.spec.accessModes).toEqual(['ReadWriteOnce']);
  });

  it('runs as non-root with no capabilities, no escalation and a read-only root', () => {
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532, fsGroup: 65532 });
    expect(collector.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
  });

  it('is probed with gRPC health on its gRPC port', () => {
    for (const probe of [collector.startupProbe, collector.livenessProbe, collector.readinessProbe]) {
      expect(probe?.grpc).toEqual({ port: 50051 });
    }
    expect(collector.ports).toEqual([
      { name: 'grpc', containerPort: 50051, protocol: 'TCP' },
      { name: 'http', containerPort: 8080, protocol: 'TCP' },
    ]);
  });

  it('passes only flags the collector has, with values it accepts', () => {
    expect(collector.command).toEqual(['nodedoc-collector']);
    const config = buildCollectorConfig(parseFlags(COLLECTOR_FLAGS, args, {}));
    expect(config.grpcListen).toMatchObject({ port: 50051 });
    expect(config.httpListen).toMatchObject({ port: 8080 });
    expect(config.dataDir).toBe('/var/lib/nodedoc');
    expect(config.externalUrl.href).toBe('http://localhost:8080/');
  });

  it('is reached through a Service with a grpc and an http port', () => {
    const service = findObject<{ spec: { selector: Record<string, string>; ports: unknown[] } }>(
      objects,
      'Service',
      'nodedoc-collector',
    );
    expect(service.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    expect(service.spec.ports).toEqual([
      { name: 'grpc', port: 50051, targetPort: 'grpc', protocol: 'TCP', appProtocol: 'grpc' },
      { name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP', appProtocol: 'http' },
    ]);
  });
});

describe('collector RBAC', () => {
  it('may get/list/watch nodes and create/patch events, and nothing else', () => {
    const role = findObject<{ rules: unknown[] }>(objects, 'ClusterRole', 'nodedoc-collector');
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
    ]);
    expect(objects.filter((object) => /Role/.test(object.kind)).map((object) => object.kind)).toEqual([
      'ClusterRole',
      'ClusterRoleBinding',
    ]);
  });

  it('binds that role to the collector’s ServiceAccount only', () => {
    const binding = findObject<{ roleRef: unknown; subjects: unknown[] }>(
      objects,
      'ClusterRoleBinding',
      'nodedoc-collector',
    );
    expect(binding.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'nodedoc-collector',
    });
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'nodedoc-collector', namespace: 'nodedoc' },
    ]);
    expect(pod.serviceAccountName).toBe('nodedoc-collector');
  });

  it('gives the agent an account without a token', () => {
    const account = findObject<{ automountServiceAccountToken?: boolean }>(
      objects,
      'ServiceAccount',
      'nodedoc-agent',
    );
    expect(account.automountServiceAccountToken).toBe(false);
  });
});

describe('collector NetworkPolicy', () => {
  it('admits gRPC from agents (node addresses) and HTTP from Prometheus only', () => {
    const policy = findObject<{ spec: Record<string, unknown> }>(
      objects,
      'NetworkPolicy',
      'nodedoc-collector',
    );
    expect(policy.spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'nodedoc-collector' } },
      policyTypes: ['Ingress'],
      ingress: [
        { ports: [{ port: 50051, protocol: 'TCP' }] },
        {
          from: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
              podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
            },
          ],
          ports: [{ port: 8080, protocol: 'TCP' }],
        },
      ],
    });
  });
});
