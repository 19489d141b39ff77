import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultThresholds } from '../../../agent/config/thresholds.js';
import { CAUSE_IDS } from '../../../common/ids.js';
import {
  argValue,
  findObject,
  onlyContainer,
  renderDeploy,
  type Workload,
} from '../../harness/deploy-manifests.js';
import { promtoolCheckRules, promtoolTestRules } from '../../harness/promtool-rules.js';
import { requires } from '../../harness/system-requirements.js';
import { alertTests } from './alert-tests.js';

interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** Where runbooks for alerts about nodedoc itself live (a collector that is down cannot serve them). */
const REPOSITORY_RUNBOOKS = 'https://github.com/nodedoc/nodedoc/blob/main/docs/runbooks/';

const objects = renderDeploy();
const rule = findObject<{ spec: { groups: { name: string; rules: AlertRule[] }[] } }>(
  objects,
  'PrometheusRule',
  'nodedoc',
);
const alerts = rule.spec.groups.flatMap((group) => group.rules);
const collectorArgs =
  onlyContainer(findObject<Workload>(objects, 'Deployment', 'nodedoc-collector')).args ?? [];
const externalUrl = String(argValue(collectorArgs, 'external-url')).replace(/\/$/, '');

function alert(name: string): AlertRule {
  const found = alerts.find((candidate) => candidate.alert === name);
  if (!found) throw new Error(`no alert ${name}`);
  return found;
}

describe('PrometheusRule', () => {
  it('alerts on NotReady causes, silent agents, a down collector, conntrack and DNS latency', () => {
    expect(alerts.map((candidate) => candidate.alert)).toEqual([
      'NodedocNodeNotReady',
      'NodedocNodeAtRisk',
      'NodedocNodeUnreachable',
      'NodedocAgentDown',
      'NodedocAgentsAbsent',
      'NodedocCollectorDown',
      'NodedocConntrackNearFull',
      'NodedocDNSLatencyHigh',
    ]);
  });

  it.each(alerts.map((candidate) => [candidate.alert, candidate] as const))(
    '%s has summary, description, severity, runbook_url and a for duration',
    (_name, candidate) => {
      expect(Object.keys(candidate.annotations).sort()).toEqual(['description', 'runbook_url', 'summary']);
      expect(['critical', 'warning']).toContain(candidate.labels.severity);
      expect(candidate.for).toMatch(/^\d+m$/);
    },
  );

  it.each(alerts.map((candidate) => [candidate.alert, candidate.annotations.runbook_url ?? ''] as const))(
    '%s links a runbook that exists (%s)',
    (_name, url) => {
      if (url.startsWith(REPOSITORY_RUNBOOKS)) {
        const file = fileURLToPath(
          new URL(`../../../docs/runbooks/${url.slice(REPOSITORY_RUNBOOKS.length)}`, import.meta.url),
        );
        expect(existsSync(file), file).toBe(true);
        return;
      }
      // Cause runbooks are served by the collector under its --external-url.
      const prefix = `${externalUrl}/runbooks/`;
      expect(url.startsWith(prefix), `${url} is under ${prefix}`).toBe(true);
      const cause = url.slice(prefix.length);
      if (cause === '{{ $labels.cause }}') return;
      expect(CAUSE_IDS).toContain(cause);
      const runbook = fileURLToPath(new URL(`../../../collector/runbooks/${cause}.md`, import.meta.url));
      expect(existsSync(runbook), runbook).toBe(true);
    },
  );

  it('uses the agent’s default thresholds, so an alert and the agent’s finding agree', () => {
    const thresholds = defaultThresholds();
    expect(alert('NodedocConntrackNearFull').expr).toContain(`>= ${thresholds['conntrack-warning-ratio']}`);
    expect(alert('NodedocDNSLatencyHigh').expr.trim()).toMatch(
      new RegExp(`^histogram_quantile\\(0\\.95, .*\\) > ${thresholds['dns-latency-seconds']}$`),
    );
  });
});

describe.skipIf(requires({ commands: ['promtool'] }))('PrometheusRule through promtool', () => {
  it('passes promtool check rules', () => {
    const result = promtoolCheckRules({ groups: rule.spec.groups });
    expect(result.output).toContain(`SUCCESS: ${alerts.length} rules found`);
    expect(result.code).toBe(0);
  });

  it('fires every alert on its synthetic failure and stays silent on healthy series (promtool test rules)', () => {
    const tests = alertTests(externalUrl);
    const tested = new Set(tests.flatMap((group) => group.alert_rule_test.map((test) => test.alertname)));
    expect([...tested].sort()).toEqual(alerts.map((candidate) => candidate.alert).sort());
    const result = promtoolTestRules({ groups: rule.spec.groups }, tests);
    expect(result.output).toContain('SUCCESS');
    expect(result.code).toBe(0);
  });

  it('reports a failure when an alert does not fire as expected (the test can fail)', () => {
    const [first] = alertTests(externalUrl);
    if (!first) throw new Error('no alert tests');
    const broken = {
      ...first,
      alert_rule_test: first.alert_rule_test.map((test) => ({ ...test, exp_alerts: [] })),
    };
    const result = promtoolTestRules({ groups: rule.spec.groups }, [broken]);
    expect(result.code).toBe(1);
    expect(result.output).toContain('FAILED');
  });
});
