import type { RuleTestGroup } from '../../harness/promtool-rules.js';

/** Where alerts about nodedoc itself link their runbooks. */
const REPOSITORY_RUNBOOKS = 'https://github.com/nodedoc/nodedoc/blob/main/docs/runbooks/';

/** `nodedoc_node_status` one-hot series for a node, on `status` (as the collector exports them). */
function statusSeries(node: string, status: string, samples: number): { series: string; values: string }[] {
  return ['Ready', 'AtRisk', 'NotReady', 'Unreachable'].map((candidate) => ({
    series: `nodedoc_node_status{job="nodedoc-collector",node="${node}",status="${candidate}"}`,
    values: `${candidate === status ? 1 : 0}x${samples}`,
  }));
}

function causeSeries(node: string, cause: string, severity: string, samples: number) {
  return {
    series: `nodedoc_node_cause{job="nodedoc-collector",node="${node}",cause="${cause}",severity="${severity}",scope="node"}`,
    values: `1x${samples}`,
  };
}

/**
 * `promtool test rules` groups for deploy/prometheus-rule.yaml: for every alert, series on which it must fire
 * (with the exact labels and rendered annotations) next to healthy series on which it must not.
 * `externalUrl` is the collector's --external-url, under which cause runbooks are served.
 */
export function alertTests(externalUrl: string): RuleTestGroup[] {
  const runbook = (cause: string) => `${externalUrl}/runbooks/${cause}`;
  return [
    {
      name: 'diagnosis: n1 NotReady (kubelet-down), n2 AtRisk (memory-pressure), n3 Ready, n4 Unreachable',
      interval: '1m',
      input_series: [
        ...statusSeries('n1', 'NotReady', 30),
        causeSeries('n1', 'kubelet-down', 'critical', 30),
        ...statusSeries('n2', 'AtRisk', 30),
        causeSeries('n2', 'memory-pressure', 'warning', 30),
        ...statusSeries('n3', 'Ready', 30),
        ...statusSeries('n4', 'Unreachable', 30),
        causeSeries('n4', 'node-unreachable', 'critical', 30),
      ],
      alert_rule_test: [
        // Pending, not firing, before its `for`.
        { eval_time: '30s', alertname: 'NodedocNodeNotReady', exp_alerts: [] },
        {
          eval_time: '2m',
          alertname: 'NodedocNodeNotReady',
          exp_alerts: [
            {
              exp_labels: {
                severity: 'critical',
                job: 'nodedoc-collector',
                node: 'n1',
                cause: 'kubelet-down',
                cause_severity: 'critical',
                scope: 'node',
              },
              exp_annotations: {
                summary: 'Node n1 is NotReady: kubelet-down.',
                description:
                  'nodedoc diagnosed kubelet-down (critical, node scope) on NotReady node n1. Run `kubectl nodedoc why n1` for the evidence and the next step.',
                runbook_url: runbook('kubelet-down'),
              },
            },
          ],
        },
        { eval_time: '10m', alertname: 'NodedocNodeAtRisk', exp_alerts: [] },
        {
          eval_time: '16m',
          alertname: 'NodedocNodeAtRisk',
          exp_alerts: [
            {
              exp_labels: {
                severity: 'warning',
                job: 'nodedoc-collector',
                node: 'n2',
                cause: 'memory-pressure',
                cause_severity: 'warning',
                scope: 'node',
              },
              exp_annotations: {
                summary: 'Node n2 is at risk: memory-pressure.',
                description:
                  'nodedoc diagnosed memory-pressure (warning, node scope) on node n2, which is still Ready. Run `kubectl nodedoc why n2`.',
                runbook_url: runbook('memory-pressure'),
              },
            },
          ],
        },
        {
          eval_time: '6m',
          alertname: 'NodedocNodeUnreachable',
          exp_alerts: [
            {
              exp_labels: {
                severity: 'warning',
                job: 'nodedoc-collector',
                node: 'n4',
                status: 'Unreachable',
              },
              exp_annotations: {
                summary: 'The nodedoc agent on n4 stopped reporting.',
                description:
                  'The collector has had no report from node n4 for more than three agent intervals (and for 5 minutes of alerting). The node may be down or partitioned, or its agent is not running; `kubectl nodedoc why n4` shows the last evidence received.',
                runbook_url: runbook('node-unreachable'),
              },
            },
          ],
        },
      ],
    },
    {
      name: 'agents: n1 cannot be scraped, n2 can; the collector is up',
      interval: '1m',
      input_series: [
        { series: 'up{job="nodedoc-agent",node="n1",instance="10.0.0.1:9101"}', values: '0x20' },
        { series: 'up{job="nodedoc-agent",node="n2",instance="10.0.0.2:9101"}', values: '1x20' },
        { series: 'up{job="nodedoc-collector",instance="10.1.0.5:8080"}', values: '1x20' },
      ],
      alert_rule_test: [
        {
          eval_time: '11m',
          alertname: 'NodedocAgentDown',
          exp_alerts: [
            {
              exp_labels: {
                severity: 'warning',
                job: 'nodedoc-agent',
                node: 'n1',
                instance: '10.0.0.1:9101',
              },
              exp_annotations: {
                summary: 'Prometheus cannot scrape the nodedoc agent on n1.',
                description:
                  "The scrape of the nodedoc agent on node n1 (10.0.0.1:9101) has failed for 10 minutes; that node's host signals are not being sampled or not exported.",
                runbook_url: `${REPOSITORY_RUNBOOKS}nodedoc-agent-down.md`,
              },
            },
          ],
        },
        { eval_time: '16m', alertname: 'NodedocAgentsAbsent', exp_alerts: [] },
        { eval_time: '16m', alertname: 'NodedocCollectorDown', exp_alerts: [] },
      ],
    },
    {
      name: 'no agent target at all',
      interval: '1m',
      input_series: [{ series: 'up{job="nodedoc-collector",instance="10.1.0.5:8080"}', values: '1x20' }],
      alert_rule_test: [
        {
          eval_time: '16m',
          alertname: 'NodedocAgentsAbsent',
          exp_alerts: [
            {
              exp_labels: { severity: 'warning', job: 'nodedoc-agent' },
              exp_annotations: {
                summary: 'Prometheus has no nodedoc agent to scrape.',
                description:
                  'There has been no up{job="nodedoc-agent"} series for 15 minutes: the nodedoc-agent DaemonSet or its PodMonitor is missing, or Prometheus does not select the PodMonitor.',
                runbook_url: `${REPOSITORY_RUNBOOKS}nodedoc-agent-down.md`,
              },
            },
          ],
        },
      ],
    },
    ...[
      { name: 'the collector target fails', series: 'up{job="nodedoc-collector",instance="10.1.0.5:8080"}' },
      { name: 'the collector target is gone', series: 'up{job="something-else",instance="10.1.0.9:80"}' },
    ].map(({ name, series }) => ({
      name,
      interval: '1m',
      input_series: [{ series, values: '0x10' }],
      alert_rule_test: [
        { eval_time: '4m', alertname: 'NodedocCollectorDown', exp_alerts: [] },
        {
          eval_time: '6m',
          alertname: 'NodedocCollectorDown',
          exp_alerts: [
            {
              exp_labels: { severity: 'critical' },
              exp_annotations: {
                summary: 'The nodedoc collector is down.',
                description:
                  'Prometheus has had no successful scrape of the nodedoc collector for 5 minutes. No node is being diagnosed; agents keep their reports in their spools until it is back.',
                runbook_url: `${REPOSITORY_RUNBOOKS}nodedoc-collector-down.md`,
              },
            },
          ],
        },
      ],
    })),
    {
      name: 'host: n1 conntrack 80% full and DNS p95 ~0.49s; n2 healthy; n3 conntrack without a limit',
      interval: '1m',
      input_series: [
        { series: 'nodedoc_conntrack_entries{job="nodedoc-agent",node="n1"}', values: '800x30' },
        { series: 'nodedoc_conntrack_entries_limit{job="nodedoc-agent",node="n1"}', values: '1000x30' },
        { series: 'nodedoc_conntrack_entries{job="nodedoc-agent",node="n2"}', values: '100x30' },
        { series: 'nodedoc_conntrack_entries_limit{job="nodedoc-agent",node="n2"}', values: '1000x30' },
        { series: 'nodedoc_conntrack_entries{job="nodedoc-agent",node="n3"}', values: '5000x30' },
        { series: 'nodedoc_conntrack_entries_limit{job="nodedoc-agent",node="n3"}', values: '0x30' },
        // n1: every answer between 250 and 500 ms; n2: every answer under 100 ms. One probe a second.
        ...[
          ['n1', { '0.1': '0x30', '0.25': '0x30', '0.5': '0+60x30', '+Inf': '0+60x30' }],
          ['n2', { '0.1': '0+60x30', '0.25': '0+60x30', '0.5': '0+60x30', '+Inf': '0+60x30' }],
        ].flatMap(([node, buckets]) =>
          Object.entries(buckets as Record<string, string>).map(([le, values]) => ({
            series: `nodedoc_dns_probe_duration_seconds_bucket{job="nodedoc-agent",node="${node}",server="10.96.0.10:53",protocol="udp",le="${le}"}`,
            values,
          })),
        ),
      ],
      alert_rule_test: [
        { eval_time: '4m', alertname: 'NodedocConntrackNearFull', exp_alerts: [] },
        {
          eval_time: '6m',
          alertname: 'NodedocConntrackNearFull',
          exp_alerts: [
            {
              exp_labels: { severity: 'warning', job: 'nodedoc-agent', node: 'n1' },
              exp_annotations: {
                summary: 'Conntrack table on n1 is 80% full.',
                description:
                  'nf_conntrack_count on node n1 has been at or above 75% of nf_conntrack_max for 5 minutes; when it is full the kernel drops new connections.',
                runbook_url: runbook('conntrack-exhaustion'),
              },
            },
          ],
        },
        {
          eval_time: '20m',
          alertname: 'NodedocDNSLatencyHigh',
          exp_alerts: [
            {
              exp_labels: { severity: 'warning', node: 'n1', server: '10.96.0.10:53' },
              exp_annotations: {
                summary: 'DNS p95 from n1 to 10.96.0.10:53 is 487.5ms.',
                description:
                  'The 95th percentile of DNS probe round trips from node n1 to 10.96.0.10:53 has been above 250ms for 10 minutes; pods on it will see slow or failing lookups.',
                runbook_url: runbook('dns-latency'),
              },
            },
          ],
        },
      ],
    },
  ];
}
