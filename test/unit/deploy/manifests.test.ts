import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEPLOY_DIR, renderDeploy } from '../../harness/deploy-manifests.js';
import { validateKubeObject } from '../../harness/kube-schemas.js';
import { modelTypeOf, unknownFields } from '../../harness/strict-fields.js';

const PACKAGE_VERSION = (
  JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

const objects = renderDeploy();

describe('deploy/ (kubectl apply -k deploy/)', () => {
  it('renders the objects of a complete install, each once', () => {
    const ids = objects.map((object) => `${object.kind}/${object.metadata.name}`).sort();
    expect(ids).toEqual(
      [
        'ClusterRole/nodedoc-collector',
        'ClusterRoleBinding/nodedoc-collector',
        'ConfigMap/nodedoc-dashboard',
        'DaemonSet/nodedoc-agent',
        'Deployment/nodedoc-collector',
        'Namespace/nodedoc',
        'NetworkPolicy/nodedoc-collector',
        'PersistentVolumeClaim/nodedoc-collector-data',
        'PodMonitor/nodedoc-agent',
        'PrometheusRule/nodedoc',
        'Service/nodedoc-collector',
        'ServiceAccount/nodedoc-agent',
        'ServiceAccount/nodedoc-collector',
        'ServiceMonitor/nodedoc-collector',
      ].sort(),
    );
  });

  it.each(objects.map((object) => [`${object.kind}/${object.metadata.name}`, object] as const))(
    '%s is valid against its Kubernetes or Prometheus Operator schema',
    (_id, object) => {
      expect(() => validateKubeObject(object)).not.toThrow();
    },
  );

  it.each(
    objects
      .filter((object) => modelTypeOf(object) !== undefined)
      .map((object) => [`${object.kind}/${object.metadata.name}`, object] as const),
  )('%s has no field the Kubernetes API does not know (kubectl apply validates strictly)', (_id, object) => {
    expect(unknownFields(object, modelTypeOf(object) ?? '')).toEqual([]);
  });

  it('finds a misspelt field (the strict check can fail)', () => {
    const [daemonSet] = objects.filter((object) => object.kind === 'DaemonSet');
    const misspelt = structuredClone(daemonSet) as unknown as {
      spec: { template: { spec: { containers: Record<string, unknown>[] } } };
    };
    const container = misspelt.spec.template.spec.containers[0] ?? {};
    container.securityContext = { ...(container.securityContext as object), readOnlyRootFilesytem: true };
    expect(unknownFields(misspelt, 'V1DaemonSet')).toEqual([
      '.spec.template.spec.containers[0].securityContext.readOnlyRootFilesytem',
    ]);
  });

  it('puts every namespaced object in the nodedoc namespace and labels everything part-of nodedoc', () => {
    const clusterScoped = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding']);
    for (const object of objects) {
      expect(object.metadata.namespace, `${object.kind}/${object.metadata.name}`).toBe(
        clusterScoped.has(object.kind) ? undefined : 'nodedoc',
      );
      expect(object.metadata.labels?.['app.kubernetes.io/part-of']).toBe('nodedoc');
    }
  });

  it('runs both programs from the one release image, tagged with the package version', () => {
    const images = objects
      .filter((object) => object.kind === 'DaemonSet' || object.kind === 'Deployment')
      .flatMap((object) => {
        const spec = object.spec as { template: { spec: { containers: { image: string }[] } } };
        return spec.template.spec.containers.map((container) => container.image);
      });
    expect(images).toEqual([
      `ghcr.io/nodedoc/nodedoc:${PACKAGE_VERSION}`,
      `ghcr.io/nodedoc/nodedoc:${PACKAGE_VERSION}`,
    ]);
  });

  it('ships the dashboard as a ConfigMap Grafana sidecars pick up, with the JSON unchanged', () => {
    const configMap = objects.find((object) => object.kind === 'ConfigMap');
    expect(configMap?.metadata.labels?.grafana_dashboard).toBe('1');
    const data = configMap?.data as Record<string, string>;
    expect(Object.keys(data)).toEqual(['nodedoc.json']);
    expect(data['nodedoc.json']).toBe(readFileSync(`${DEPLOY_DIR}dashboards/nodedoc.json`, 'utf8'));
  });
});
