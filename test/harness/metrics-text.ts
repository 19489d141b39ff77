/** One sample line of a Prometheus text exposition. */
export interface MetricSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL_PAIR = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?\s*/gy;

function unescapeLabel(text: string): string {
  return text.replace(/\\(.)/g, (_match, char: string) => (char === 'n' ? '\n' : char));
}

function parseLabels(text: string | undefined, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  if (!text) return labels;
  LABEL_PAIR.lastIndex = 0;
  let consumed = 0;
  for (let match = LABEL_PAIR.exec(text); match; match = LABEL_PAIR.exec(text)) {
    labels[match[1] as string] = unescapeLabel(match[2] as string);
    consumed = LABEL_PAIR.lastIndex;
  }
  if (consumed !== text.length) throw new Error(`unparsable labels in metrics line: ${line}`);
  return labels;
}

/**
 * Sample lines of a Prometheus text exposition, parsed just enough for assertions (the format itself is
 * checked by promtool). Comment lines (# HELP, # TYPE) are skipped.
 */
export function parseExposition(text: string): MetricSample[] {
  const samples: MetricSample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = SAMPLE_LINE.exec(line);
    if (!match) throw new Error(`unparsable metrics line: ${line}`);
    samples.push({ name: match[1] as string, labels: parseLabels(match[2], line), value: Number(match[3]) });
  }
  return samples;
}

/** Samples of one metric whose labels include every given label. */
export function samplesOf(
  samples: readonly MetricSample[],
  name: string,
  labels: Readonly<Record<string, string>> = {},
): MetricSample[] {
  return samples.filter(
    (sample) =>
      sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
}

/** Fetches and parses an agent's /metrics. */
export async function scrape(metricsUrl: string): Promise<{ text: string; samples: MetricSample[] }> {
  const response = await fetch(metricsUrl);
  if (response.status !== 200) throw new Error(`GET ${metricsUrl}: HTTP ${response.status}`);
  const text = await response.text();
  return { text, samples: parseExposition(text) };
}
