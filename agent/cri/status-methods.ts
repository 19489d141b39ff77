import type { AnyDefinition, MethodDefinition, Options } from '@grpc/proto-loader';
import { CRI_API_VERSIONS, type CriApiVersion, runtimeServiceName, statusProtoFile } from './api-versions.js';
import { criProtoRoot } from './proto-root.js';

/** RuntimeService/Status of one CRI version: its path and (de)serializers. */
export type StatusMethod = MethodDefinition<object, unknown>;
export type StatusMethods = Readonly<Record<CriApiVersion, StatusMethod>>;

/**
 * keepCase: the CRI field names are single lowercase words anyway. defaults: proto3 leaves `false` and
 * "" off the wire, so without defaults a NetworkReady=false condition would decode with no status at
 * all. Same conversions as the project's generated types (scripts/generate-proto.mjs).
 */
const LOAD_OPTIONS: Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};

function statusMethodOf(definition: AnyDefinition | undefined, service: string): StatusMethod {
  // A service definition maps method names to definitions; a message or enum has a `format` string.
  const method =
    definition !== undefined && !('format' in definition)
      ? (definition as Record<string, MethodDefinition<object, unknown> | undefined>).Status
      : undefined;
  if (method === undefined || typeof method.path !== 'string') {
    throw new Error(`${service}.Status is missing from the CRI proto files`);
  }
  return method;
}

/**
 * Loads the minimal CRI protos with proto-loader, once per agent. Imported on demand (by the client,
 * when a runtime socket is first found): protobufjs and its descriptor tables cost ~5 MiB of RSS,
 * which a host without a container runtime should not pay.
 */
export async function loadStatusMethods(): Promise<StatusMethods> {
  const protoLoader = await import('@grpc/proto-loader');
  const definition = await protoLoader.load(CRI_API_VERSIONS.map(statusProtoFile), {
    ...LOAD_OPTIONS,
    includeDirs: [criProtoRoot()],
  });
  const methods = Object.fromEntries(
    CRI_API_VERSIONS.map((version) => {
      const service = runtimeServiceName(version);
      return [version, statusMethodOf(definition[service], service)];
    }),
  );
  return methods as Record<CriApiVersion, StatusMethod>;
}
