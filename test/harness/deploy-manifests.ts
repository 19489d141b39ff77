import { fileURLToPath } from 'node:url';
import { type KubeObject, renderKustomization } from './kustomize.js';

/** The repository's deploy/ directory, the kustomize base users apply. */
export const DEPLOY_DIR = fileURLToPath(new URL('../../deploy/', import.meta.url));

/** deploy/ rendered as `kubectl apply -k deploy/` would (by the test renderer). */
export function renderDeploy(): KubeObject[] {
  return renderKustomization(DEPLOY_DIR);
}

/** The one rendered object of this kind and name; throws when there is none or more than one. */
export function findObject<T = KubeObject>(objects: readonly KubeObject[], kind: string, name: string): T {
  const matches = objects.filter((object) => object.kind === kind && object.metadata.name === name);
  if (matches.length !== 1) throw new Error(`expected one ${kind}/${name}, found ${matches.length}`);
  return matches[0] as T;
}

/** The pieces of a container spec these tests read. */
export interface ContainerSpec {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[];
  ports?: { name: string; containerPort: number }[];
  livenessProbe?: Record<string, unknown>;
  readinessProbe?: Record<string, unknown>;
  startupProbe?: Record<string, unknown>;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: Record<string, unknown> & { capabilities?: { add?: string[]; drop?: string[] } };
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean; mountPropagation?: string }[];
}

/** The pod spec of a workload (Deployment, DaemonSet). */
export interface PodSpec {
  containers: ContainerSpec[];
  volumes?: {
    name: string;
    hostPath?: { path: string; type?: string };
    persistentVolumeClaim?: { claimName: string };
    emptyDir?: Record<string, unknown>;
  }[];
  [key: string]: unknown;
}

/** A workload's pod template and the strategy fields the tests assert on. */
export interface Workload {
  metadata: { name: string; namespace?: string };
  spec: {
    replicas?: number;
    strategy?: { type: string };
    updateStrategy?: { type: string; rollingUpdate?: { maxUnavailable?: string | number } };
    selector: { matchLabels: Record<string, string> };
    template: { metadata: { labels: Record<string, string> }; spec: PodSpec };
  };
}

/** The single container of a workload. */
export function onlyContainer(workload: Workload): ContainerSpec {
  const [container, ...rest] = workload.spec.template.spec.containers;
  if (!container || rest.length > 0) throw new Error(`${workload.metadata.name}: expected one container`);
  return container;
}

/** `--name=value` / `--name value` / `--flag` arguments as the programs' parsers would see them. */
export function argValue(args: readonly string[], flag: string): string | true | undefined {
  for (const [index, arg] of args.entries()) {
    if (arg === `--${flag}`) {
      const next = args[index + 1];
      return next !== undefined && !next.startsWith('--') ? next : true;
    }
    if (arg.startsWith(`--${flag}=`)) return arg.slice(flag.length + 3);
  }
  return undefined;
}
