import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { validateKubeObject } from '../../harness/kube-schemas.js';
import { renderKustomization, UnsupportedKustomization } from '../../harness/kustomize.js';

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: example:1.0
`;

const directories: string[] = [];

/** A kustomization directory with these files. */
function base(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'nodedoc-kustomize-'));
  directories.push(dir);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

const HEADER = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n';

afterEach(() => {
  for (const dir of directories.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('test kustomize renderer', () => {
  it('applies namespace, labels and images as kustomize does', () => {
    const dir = base({
      'kustomization.yaml': `${HEADER}namespace: team\nlabels:\n  - pairs: {owner: me}\nresources: [web.yaml]\nimages:\n  - {name: example, newName: registry.example/web, newTag: "2.0"}\n`,
      'web.yaml': DEPLOYMENT,
    });
    const [deployment] = renderKustomization(dir);
    expect(deployment?.metadata).toEqual({ name: 'web', namespace: 'team', labels: { owner: 'me' } });
    const spec = deployment?.spec as { template: { spec: { containers: { image: string }[] } } };
    expect(spec.template.spec.containers[0]?.image).toBe('registry.example/web:2.0');
  });

  it.each([
    ['commonLabels', 'commonLabels: {a: b}\n'],
    ['patches', 'patches: []\n'],
    ['a directory resource', 'resources: [../other]\n'],
    ['a hashed configMapGenerator', 'configMapGenerator:\n  - {name: x, files: [web.yaml]}\n'],
    ['selector labels', 'labels:\n  - {pairs: {a: b}, includeSelectors: true}\n'],
    ['image digests', 'images:\n  - {name: example, digest: "sha256:00"}\n'],
  ])('refuses %s instead of rendering it wrongly', (_what, extra) => {
    const dir = base({ 'kustomization.yaml': `${HEADER}${extra}`, 'web.yaml': DEPLOYMENT });
    expect(() => renderKustomization(dir)).toThrow(UnsupportedKustomization);
  });
});

describe('schema validation', () => {
  it('rejects an object that breaks its schema, naming it', () => {
    const dir = base({
      'kustomization.yaml': `${HEADER}resources: [web.yaml]\n`,
      'web.yaml': DEPLOYMENT.replace(
        'image: example:1.0',
        'image: example:1.0\n          ports: [{containerPort: http}]',
      ),
    });
    const [deployment] = renderKustomization(dir);
    expect(() => validateKubeObject(deployment as never)).toThrow(
      /Deployment\/web: .*containerPort must be integer/,
    );
  });

  it('rejects kinds it has no schema for', () => {
    expect(() =>
      validateKubeObject({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }),
    ).toThrow(/no schema/);
  });
});
