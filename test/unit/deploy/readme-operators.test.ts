import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AGENT_FLAGS } from '../../../agent/config/agent-flags.js';
import { COLLECTOR_FLAGS } from '../../../collector/config/collector-flags.js';
import { envName } from '../../../common/cli/flag-spec.js';
import { findObject, renderDeploy } from '../../harness/deploy-manifests.js';

const README = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
const objects = renderDeploy();

/** The README's text from a heading to the next heading of the same or a higher level. */
function section(heading: string): string {
  const level = /^#+/.exec(heading)?.[0].length ?? 2;
  const start = README.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`README.md has no "${heading}"`);
  const rest = README.slice(start + heading.length + 2);
  const next = new RegExp(`\\n#{1,${level}} `).exec(rest);
  return next ? rest.slice(0, next.index) : rest;
}

describe('README.md for operators', () => {
  it('reads in the order an operator needs it', () => {
    const headings = [...README.matchAll(/^#{2,3} .+$/gm)].map((match) => match[0]);
    const wanted = [
      '## Quick start',
      '## Install',
      '### In a cluster',
      '### Image',
      '## Using it',
      '### Prometheus and Grafana',
      '## Configuration',
      '## The collector',
      '## Performance',
      '## Security',
      '## Troubleshooting',
    ];
    const positions = wanted.map((heading) => headings.indexOf(heading));
    expect(
      positions.every((position) => position >= 0),
      JSON.stringify(headings),
    ).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });

  it('names every object `kubectl apply -k deploy/` creates', () => {
    const install = section('### In a cluster');
    for (const object of objects) expect(install).toContain(`\`${object.kind}/${object.metadata.name}\``);
  });

  it('lists every alert of the PrometheusRule with its severity', () => {
    const rule = findObject<{
      spec: { groups: { rules: { alert: string; labels: { severity: string } }[] }[] };
    }>(objects, 'PrometheusRule', 'nodedoc');
    const table = section('### Prometheus and Grafana');
    for (const { alert, labels } of rule.spec.groups.flatMap((group) => group.rules)) {
      expect(table).toContain(`| \`${alert}\` | ${labels.severity} |`);
    }
  });

  it.each([
    ['agent', AGENT_FLAGS],
    ['collector', COLLECTOR_FLAGS],
  ] as const)('documents every %s flag and its environment variable', (_program, flags) => {
    for (const flag of flags) {
      expect(README).toContain(`| \`--${flag.name}`);
      const env = envName(flag);
      if (env) expect(README).toContain(`\`${env}\``);
    }
  });
});
