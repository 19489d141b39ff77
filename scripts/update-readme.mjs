#!/usr/bin/env node
// Rewrites the generated sections of README.md (flag and threshold references) from the code, so the
// documentation is produced from the same tables that parse the flags. test/unit/readme.test.ts fails when
// they drift; run `npm run docs` to bring the README back in step. Needs a build (it imports dist/).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const { agentReadmeSections } = await import(`${root}dist/agent/config/readme-sections.js`);
const { collectorReadmeSections } = await import(`${root}dist/collector/config/readme-sections.js`);
const sections = { ...agentReadmeSections(), ...collectorReadmeSections() };

const path = `${root}README.md`;
let text = readFileSync(path, 'utf8');
for (const [name, body] of Object.entries(sections)) {
  const start = `<!-- generated:${name}:start -->`;
  const end = `<!-- generated:${name}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README.md has no ${start} … ${end} markers`);
  text = `${text.slice(0, from + start.length)}\n${body}\n${text.slice(to)}`;
}
writeFileSync(path, text);
