import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

/** What promtool said: its exit code and everything it printed. */
export interface PromtoolResult {
  readonly code: number | null;
  readonly output: string;
}

/** A Prometheus rule file's content: what a PrometheusRule's spec holds. */
export interface RuleFile {
  readonly groups: readonly unknown[];
}

/** One `promtool test rules` test group (series, evaluation times, expected alerts). */
export interface RuleTestGroup {
  readonly name?: string;
  readonly interval: string;
  readonly input_series: readonly { readonly series: string; readonly values: string }[];
  readonly alert_rule_test: readonly {
    readonly eval_time: string;
    readonly alertname: string;
    readonly exp_alerts: readonly {
      readonly exp_labels: Readonly<Record<string, string>>;
      readonly exp_annotations: Readonly<Record<string, string>>;
    }[];
  }[];
}

/** Runs the real promtool (Debian package `prometheus`) on files written to a temporary directory. */
function runPromtool(files: Record<string, string>, args: (dir: string) => string[]): PromtoolResult {
  const dir = mkdtempSync(join(tmpdir(), 'nodedoc-promtool-'));
  try {
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
    const result = spawnSync('promtool', args(dir), { cwd: dir, encoding: 'utf8' });
    if (result.error) throw result.error;
    return { code: result.status, output: `${result.stdout}${result.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `promtool check rules` on a rule file (syntax, PromQL, templates, duplicate names). */
export function promtoolCheckRules(rules: RuleFile): PromtoolResult {
  return runPromtool({ 'rules.yaml': stringify(rules) }, () => ['check', 'rules', 'rules.yaml']);
}

/** `promtool test rules`: evaluates the rules over synthetic series and compares the alerts that fire. */
export function promtoolTestRules(rules: RuleFile, tests: readonly RuleTestGroup[]): PromtoolResult {
  const testFile = { rule_files: ['rules.yaml'], evaluation_interval: '1m', tests };
  return runPromtool({ 'rules.yaml': stringify(rules), 'tests.yaml': stringify(testFile) }, () => [
    'test',
    'rules',
    'tests.yaml',
  ]);
}
