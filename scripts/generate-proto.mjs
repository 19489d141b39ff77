#!/usr/bin/env node
// Regenerates proto/gen from proto/nodedoc/v1/*.proto with proto-loader-gen-types.
//
// Why a script and not a one-line npm script: the generator emits extension-less relative imports
// ("./nodedoc/v1/CauseId"), which Node's ESM loader and TypeScript's NodeNext resolution reject. We
// add ".js" to every relative specifier so the generated files compile and run as ESM unchanged.
//
// Usage: node scripts/generate-proto.mjs [OUT_DIR]   (default proto/gen; tests pass a temp dir to check staleness)
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const protoRoot = join(root, 'proto');
const outDir = resolve(process.argv[2] ?? join(protoRoot, 'gen'));

/** Options shared with the runtime loader (common/proto/load-options.ts): keep the two in step. */
export const GENERATOR_FLAGS = [
  '--grpcLib=@grpc/grpc-js',
  '--longs=String',
  '--enums=String',
  '--defaults',
  '--oneofs',
  '--includeComments',
];

function listProtos(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return listProtos(path);
    return name.endsWith('.proto') ? [relative(protoRoot, path)] : [];
  });
}

function listTs(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return listTs(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

const require = createRequire(import.meta.url);
// Relative include path (cwd is proto/): the generated headers then name "nodedoc/v1/x.proto", not an
// absolute path that would differ on every clone and make the staleness check fail.
const generator = require.resolve('@grpc/proto-loader/build/bin/proto-loader-gen-types.js');
const protos = listProtos(join(protoRoot, 'nodedoc')).sort();

rmSync(outDir, { recursive: true, force: true });
execFileSync(process.execPath, [generator, ...GENERATOR_FLAGS, '-I', '.', '-O', outDir, ...protos], {
  cwd: protoRoot,
  stdio: ['ignore', 'ignore', 'inherit'],
});

const relativeImport = /(from\s+['"])(\.{1,2}\/[^'"]+?)(['"])/g;
for (const file of listTs(outDir)) {
  const text = readFileSync(file, 'utf8');
  const fixed = text.replace(
    relativeImport,
    (_m, a, spec, b) => `${a}${spec.endsWith('.js') ? spec : `${spec}.js`}${b}`,
  );
  writeFileSync(file, fixed);
}
