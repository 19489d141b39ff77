import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadSync, type Options, type PackageDefinition } from '@grpc/proto-loader';

/**
 * The proto-loader options the generated types in proto/gen were made with (GENERATOR_FLAGS in
 * scripts/generate-proto.mjs: --longs=String --enums=String --defaults --oneofs). Loading with anything
 * else makes the runtime objects disagree with their types (a Long where a string is declared, a number
 * where an enum name is): keep the two in step.
 */
export const PROTO_LOAD_OPTIONS: Readonly<Options> = {
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};

/** The nodedoc service files, relative to the proto root (their imports pull in the rest). */
export const NODEDOC_PROTO_FILES: readonly string[] = [
  'nodedoc/v1/agent_service.proto',
  'nodedoc/v1/query_service.proto',
];

/**
 * proto/ relative to this module: two levels up from the sources (common/proto, run by vitest), three from
 * the build (dist/common/proto). proto/ ships in the npm package next to dist/ ("files").
 */
const CANDIDATES = ['../../proto/', '../../../proto/'];

/** The include root of the nodedoc .proto files; throws naming where it looked when they are missing. */
export function nodedocProtoRoot(): string {
  const roots = CANDIDATES.map((candidate) => fileURLToPath(new URL(candidate, import.meta.url)));
  const found = roots.find((root) => existsSync(`${root}${NODEDOC_PROTO_FILES[0]}`));
  if (found === undefined) throw new Error(`nodedoc proto files not found (looked in ${roots.join(', ')})`);
  return found;
}

/**
 * Loads the nodedoc services (and any extra absolute .proto paths, e.g. grpc.health.v1 for reflection)
 * with the generator's options.
 */
export function loadNodedocProtos(extraFiles: readonly string[] = []): PackageDefinition {
  const root = nodedocProtoRoot();
  return loadSync([...NODEDOC_PROTO_FILES.map((file) => `${root}${file}`), ...extraFiles], {
    ...PROTO_LOAD_OPTIONS,
    includeDirs: [root],
  });
}
