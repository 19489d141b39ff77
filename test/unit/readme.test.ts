import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { agentReadmeSections } from '../../agent/config/readme-sections.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The text between a generated section's markers. */
function section(name: string): string | undefined {
  const match = new RegExp(
    `<!-- generated:${name}:start -->\\n([\\s\\S]*?)\\n<!-- generated:${name}:end -->`,
  ).exec(README);
  return match?.[1];
}

describe('README.md', () => {
  it.each(Object.entries(agentReadmeSections()))(
    'section %s matches the code (npm run docs rewrites it)',
    (name, body) => {
      expect(section(name), `README.md section ${name} is stale: run npm run docs`).toBe(body);
    },
  );

  it('gives a newcomer the two set-up commands', () => {
    expect(README).toContain('npm ci && npm start');
    expect(README).toContain('npm ci && npm test');
  });
});
