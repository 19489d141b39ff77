/**
 * CRI API versions nodedoc speaks, newest first. v1 is what every runtime released since Kubernetes 1.20
 * serves; v1alpha2 is asked only when v1 answers UNIMPLEMENTED (as the kubelet did while both existed).
 */
export const CRI_API_VERSIONS = ['v1', 'v1alpha2'] as const;

export type CriApiVersion = (typeof CRI_API_VERSIONS)[number];

/** Fully qualified service name in the loaded package definition, e.g. "runtime.v1.RuntimeService". */
export function runtimeServiceName(version: CriApiVersion): string {
  return `runtime.${version}.RuntimeService`;
}

/** The .proto file of a version, relative to proto/cri (the include root). */
export function statusProtoFile(version: CriApiVersion): string {
  return `runtime/${version}/status.proto`;
}
