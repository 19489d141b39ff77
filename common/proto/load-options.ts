import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Options } from '@grpc/proto-loader';

/**
 * How every program loads proto/nodedoc at run time: the same conversions as the generated types
 * (scripts/generate-proto.mjs, GENERATOR_FLAGS: --longs=String --enums=String --defaults --oneofs, no
 * --keepCase), so a message decoded at run time has exactly the shape proto/gen describes — uint64 as
 * decimal strings, enums as their names, proto3 defaults filled in, the name of the set oneof member.
 * Keep the two in step.
 */
export const PROTO_LOAD_OPTIONS: Readonly<Options> = {
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};

/**
 * proto/ relative to this module: two levels up from the sources (common/proto, run by vitest), three
 * from the build (dist/common/proto). proto/ ships in the npm package next to dist/ ("files").
 */
const CANDIDATES = ['../../proto/', '../../../proto/'];
/** A file every candidate root must hold to be the right one. */
const MARKER = 'nodedoc/v1/ids.proto';

/** The include directory of the nodedoc .proto files (imports are written "nodedoc/v1/x.proto"). */
export function nodedocProtoRoot(): string {
  const roots = CANDIDATES.map((candidate) => fileURLToPath(new URL(candidate, import.meta.url)));
  const found = roots.find((root) => existsSync(`${root}${MARKER}`));
  if (found === undefined) throw new Error(`nodedoc proto files not found (looked in ${roots.join(', ')})`);
  return found;
}
