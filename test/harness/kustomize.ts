import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseAllDocuments } from 'yaml';

/**
 * A small kustomize renderer for tests (there is no kubectl or kustomize binary here). It supports exactly
 * the features deploy/kustomization.yaml uses — resources (files), namespace, labels (pairs, without
 * selectors or templates), images (name, newName, newTag) and configMapGenerator (files, options.labels,
 * options.disableNameSuffixHash: true) — and throws on anything else (commonLabels included: it rewrites
 * selectors, which this renderer does not), so a kustomization that grows a
 * feature this renderer does not implement fails the tests instead of being rendered wrongly.
 */

/** A Kubernetes object as parsed from YAML. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
}

const SUPPORTED_KEYS = new Set([
  'apiVersion',
  'kind',
  'resources',
  'namespace',
  'labels',
  'commonLabels',
  'images',
  'configMapGenerator',
]);

/** Kinds that have no namespace: the namespace transformer leaves them alone. */
const CLUSTER_SCOPED_KINDS = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'PersistentVolume',
  'StorageClass',
  'PriorityClass',
  'CustomResourceDefinition',
]);

/** Kinds whose pod template's containers the images transformer rewrites, with the path to the pod spec. */
const POD_TEMPLATE_KINDS = new Set(['Deployment', 'DaemonSet', 'StatefulSet', 'ReplicaSet', 'Job']);

interface ImageRule {
  readonly name: string;
  readonly newName?: string;
  readonly newTag?: string;
}

export class UnsupportedKustomization extends Error {}

/** Renders the kustomization in `dir` to the list of objects `kubectl apply -k dir` would send. */
export function renderKustomization(dir: string): KubeObject[] {
  const kustomization = parseSingle(join(dir, 'kustomization.yaml'));
  for (const key of Object.keys(kustomization)) {
    if (!SUPPORTED_KEYS.has(key))
      throw new UnsupportedKustomization(`kustomization key ${key} is not supported`);
  }
  if (
    kustomization.apiVersion !== 'kustomize.config.k8s.io/v1beta1' ||
    kustomization.kind !== 'Kustomization'
  ) {
    throw new UnsupportedKustomization(
      'expected apiVersion kustomize.config.k8s.io/v1beta1, kind Kustomization',
    );
  }

  const objects: KubeObject[] = [];
  for (const resource of asArray<string>(kustomization.resources, 'resources')) {
    if (!/\.ya?ml$/.test(resource)) {
      throw new UnsupportedKustomization(
        `resource ${resource}: only YAML files are supported (no directories or URLs)`,
      );
    }
    objects.push(...parseObjects(join(dir, resource)));
  }
  for (const generator of asArray<Record<string, unknown>>(
    kustomization.configMapGenerator,
    'configMapGenerator',
  )) {
    objects.push(generateConfigMap(dir, generator));
  }

  const namespace = kustomization.namespace;
  if (namespace !== undefined) {
    if (typeof namespace !== 'string') throw new UnsupportedKustomization('namespace must be a string');
    for (const object of objects) applyNamespace(object, namespace);
  }
  const labels = collectLabels(kustomization);
  for (const object of objects) {
    object.metadata.labels = { ...object.metadata.labels, ...labels };
  }
  const images = asArray<ImageRule>(kustomization.images, 'images');
  for (const image of images) {
    const unknown = Object.keys(image).filter((key) => !['name', 'newName', 'newTag'].includes(key));
    if (unknown.length > 0) throw new UnsupportedKustomization(`images keys ${unknown.join(', ')}`);
  }
  for (const object of objects) applyImages(object, images);
  return objects;
}

function parseSingle(path: string): Record<string, unknown> {
  const [document, ...rest] = parseAllDocuments(readFileSync(path, 'utf8'));
  if (!document || rest.length > 0) throw new Error(`${path}: expected exactly one YAML document`);
  if (document.errors.length > 0) throw new Error(`${path}: ${document.errors[0]?.message}`);
  return document.toJS() as Record<string, unknown>;
}

function parseObjects(path: string): KubeObject[] {
  return parseAllDocuments(readFileSync(path, 'utf8')).map((document, index) => {
    if (document.errors.length > 0)
      throw new Error(`${path} document ${index}: ${document.errors[0]?.message}`);
    const object = document.toJS() as KubeObject;
    if (typeof object?.apiVersion !== 'string' || typeof object.kind !== 'string' || !object.metadata?.name) {
      throw new Error(`${path} document ${index}: not a Kubernetes object (apiVersion, kind, metadata.name)`);
    }
    return object;
  });
}

function asArray<T>(value: unknown, what: string): T[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new UnsupportedKustomization(`${what} must be a list`);
  return value as T[];
}

function generateConfigMap(dir: string, generator: Record<string, unknown>): KubeObject {
  const { name, files, options, ...rest } = generator;
  if (Object.keys(rest).length > 0) {
    throw new UnsupportedKustomization(
      `configMapGenerator keys ${Object.keys(rest).join(', ')} are not supported`,
    );
  }
  if (typeof name !== 'string') throw new UnsupportedKustomization('configMapGenerator needs a name');
  const { disableNameSuffixHash, labels, ...otherOptions } = (options ?? {}) as Record<string, unknown>;
  if (Object.keys(otherOptions).length > 0) {
    throw new UnsupportedKustomization(`configMapGenerator options ${Object.keys(otherOptions).join(', ')}`);
  }
  // The content hash suffix (and the rewriting of every reference to it) is not implemented.
  if (disableNameSuffixHash !== true) {
    throw new UnsupportedKustomization('configMapGenerator needs options.disableNameSuffixHash: true');
  }
  const data: Record<string, string> = {};
  for (const file of asArray<string>(files, 'configMapGenerator files')) {
    if (file.includes('=')) throw new UnsupportedKustomization(`configMapGenerator file ${file}: key=path`);
    data[basename(file)] = readFileSync(join(dir, file), 'utf8');
  }
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, ...(labels ? { labels: { ...(labels as Record<string, string>) } } : {}) },
    data,
  };
}

function applyNamespace(object: KubeObject, namespace: string): void {
  if (object.kind === 'Namespace') {
    // kustomize renames a Namespace resource to the namespace; this base keeps them equal instead.
    if (object.metadata.name !== namespace) {
      throw new UnsupportedKustomization(
        `Namespace ${object.metadata.name} differs from namespace ${namespace}`,
      );
    }
    return;
  }
  if (!CLUSTER_SCOPED_KINDS.has(object.kind)) object.metadata.namespace = namespace;
  if (object.kind === 'ClusterRoleBinding' || object.kind === 'RoleBinding') {
    for (const subject of (object.subjects ?? []) as { kind: string; namespace?: string }[]) {
      if (subject.kind === 'ServiceAccount') subject.namespace = namespace;
    }
  }
}

function collectLabels(kustomization: Record<string, unknown>): Record<string, string> {
  const labels: Record<string, string> = {};
  if (kustomization.commonLabels !== undefined) {
    // commonLabels also rewrites selectors and templates; only plain metadata labels are implemented.
    throw new UnsupportedKustomization('commonLabels rewrites selectors: use labels with pairs instead');
  }
  for (const entry of asArray<Record<string, unknown>>(kustomization.labels, 'labels')) {
    const { pairs, includeSelectors, includeTemplates, ...rest } = entry;
    if (Object.keys(rest).length > 0 || includeSelectors === true || includeTemplates === true) {
      throw new UnsupportedKustomization('labels: only pairs (without selectors or templates) are supported');
    }
    Object.assign(labels, pairs as Record<string, string>);
  }
  return labels;
}

function applyImages(object: KubeObject, images: readonly ImageRule[]): void {
  if (!POD_TEMPLATE_KINDS.has(object.kind)) return;
  const spec = object.spec as { template?: { spec?: Record<string, unknown> } } | undefined;
  const podSpec = spec?.template?.spec;
  if (!podSpec) return;
  const containers = [
    ...asArray<{ image?: string }>(podSpec.containers, 'containers'),
    ...asArray<{ image?: string }>(podSpec.initContainers, 'initContainers'),
  ];
  for (const container of containers) {
    if (!container.image) continue;
    const match = /^(?<name>[^:@]+(?::\d+\/[^:@]+)?)(?::(?<tag>[^@]+))?(?<digest>@.+)?$/.exec(
      container.image,
    );
    const name = match?.groups?.name;
    const rule = images.find((image) => image.name === name);
    if (!rule) continue;
    if (match?.groups?.digest) throw new UnsupportedKustomization(`image ${container.image}: digests`);
    const tag = rule.newTag ?? match?.groups?.tag;
    container.image = `${rule.newName ?? name}${tag ? `:${tag}` : ''}`;
  }
}
