import * as models from '@kubernetes/client-node';
import type { KubeObject } from './kustomize.js';

/**
 * Finds fields the Kubernetes API does not know (a typo like `readOnlyRootFilesytem`), which the
 * kubernetes-models validators let through (their schemas allow additional properties) but `kubectl apply`
 * refuses with its default strict field validation. The field lists come from @kubernetes/client-node's
 * generated models (`attributeTypeMap`: every field of every built-in type, by its JSON name).
 * Custom resources (monitoring.coreos.com) have no model there and are not walked.
 */

interface Attribute {
  readonly baseName: string;
  readonly type: string;
}

const MODEL_TYPES = models as unknown as Record<
  string,
  { attributeTypeMap?: readonly Attribute[] } | undefined
>;

/** Types whose values are not walked further: scalars and free-form values. */
const LEAF_TYPES = new Set(['string', 'number', 'boolean', 'Date', 'any', 'object', 'IntOrString']);

/** The client-node model of a built-in object: core, apps, rbac and networking v1 are all "V1" + kind. */
export function modelTypeOf(object: KubeObject): string | undefined {
  if (!/^((apps|rbac\.authorization\.k8s\.io|networking\.k8s\.io)\/)?v1$/.test(object.apiVersion))
    return undefined;
  const type = `V1${object.kind}`;
  return MODEL_TYPES[type]?.attributeTypeMap ? type : undefined;
}

/** JSON paths of every field under `value` that type `type` does not define. */
export function unknownFields(value: unknown, type: string, path = ''): string[] {
  if (value === null || value === undefined || LEAF_TYPES.has(type)) return [];
  const array = /^Array<(.+)>$/.exec(type);
  if (array?.[1]) {
    const element = array[1];
    return Array.isArray(value)
      ? value.flatMap((item, index) => unknownFields(item, element, `${path}[${index}]`))
      : [];
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map?.[1]) {
    const entry = map[1];
    return Object.entries(value as object).flatMap(([key, item]) =>
      unknownFields(item, entry, `${path}.${key}`),
    );
  }
  const attributes = MODEL_TYPES[type]?.attributeTypeMap;
  if (!attributes || typeof value !== 'object') return [];
  const byName = new Map(attributes.map((attribute) => [attribute.baseName, attribute.type]));
  return Object.entries(value as object).flatMap(([key, item]) => {
    const fieldType = byName.get(key);
    return fieldType === undefined ? [`${path}.${key}`] : unknownFields(item, fieldType, `${path}.${key}`);
  });
}
