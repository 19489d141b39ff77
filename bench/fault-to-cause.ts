/**
 * `npm run bench:fault-to-cause`: how long a real fault takes to show as a cause on the collector's HTTP API,
 * and how long the cause takes to clear once the fault is removed.
 *
 * Method. Per fault, one real collector process (dist/collector/main.js) on loopback and one real agent
 * process (dist/agent/main.js) streaming to it every --interval, set up as the fault's end-to-end test sets
 * them up (test/harness/diagnosis-e2e.ts; the faults in lib/diagnosis-faults.ts). Then --trials times:
 * wait until the node is Ready with no cause; wait a random fraction of an interval (so the injection
 * lands at a random phase of the agent's cycle, as a real fault does); inject the fault; read
 * GET /api/v1/nodes/{node} every 50 ms until the cause is listed — time to appear; remove the fault and
 * read on until the cause is gone — time to clear. Both are wall-clock times measured in this process,
 * from the moment the injection (removal) completed to the first read that shows the change, so they
 * include the agent's sampling, the stream, ingest, classification and the HTTP read, and are up to one
 * poll (50 ms) late. Reported per fault: p50 and max, in seconds and in sampling intervals.
 *
 * Needs root and the tools of the end-to-end tests (dnsmasq, stress-ng, mount); `npm run build` first.
 * Usage: npm run bench:fault-to-cause -- [--trials 5] [--interval 1s] [--faults kubelet-down,dns-failure,...]
 */
import { loadavg, release } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { readCommandLine } from '../common/cli/command-line.js';
import type { FlagSpec } from '../common/cli/flag-spec.js';
import type { ParsedFlags } from '../common/cli/parse-flags.js';
import { EXIT_FAILURE, UsageError } from '../common/cli/usage-error.js';
import { formatDuration, parseDuration } from '../common/duration.js';
import { DiagnosisRig } from '../test/harness/diagnosis-e2e.js';
import { FAULT_NAMES, type FaultName, type FaultScenario, faultScenario } from './lib/diagnosis-faults.js';

const PROGRAM = 'bench:fault-to-cause';
const DEFAULT_TRIALS = 5;
const DEFAULT_INTERVAL = '1s';
/** How often the API is read while a change is awaited: the resolution of every figure. */
const POLL_MS = 50;
/** The agent's own floor is lower, but below this the HTTP polling would be a large share of a figure. */
const MIN_INTERVAL_MS = 500;
/** The target: a fault shows as its cause within two sampling intervals. */
const TARGET_INTERVALS = 2;
/** The baseline before each trial: every trace of the previous one gone (PSI decays over a minute). */
const BASELINE_TIMEOUT_MS = 90_000;

const FLAGS: readonly FlagSpec[] = [
  { name: 'help', type: 'boolean', env: false, description: 'Print this help and exit.' },
  {
    name: 'trials',
    type: 'string',
    env: false,
    placeholder: 'N',
    defaultText: String(DEFAULT_TRIALS),
    description: 'Injections (and removals) per fault.',
  },
  {
    name: 'interval',
    type: 'string',
    env: false,
    placeholder: 'DURATION',
    defaultText: DEFAULT_INTERVAL,
    description: "The agent's sampling interval (--interval); figures are also given in intervals.",
  },
  {
    name: 'faults',
    type: 'string',
    env: false,
    placeholder: 'NAME[,NAME...]',
    defaultText: FAULT_NAMES.join(','),
    description: `Faults to inject, of ${FAULT_NAMES.join(', ')}.`,
  },
];

interface Settings {
  readonly trials: number;
  readonly intervalMs: number;
  readonly faults: readonly FaultName[];
}

interface Trial {
  readonly appearMs: number;
  readonly clearMs: number;
  /**
   * From the sampling time of the node's latest report (the one that first carried the cause) to the read
   * that showed it: the collector's share of appearMs (stream, ingest, classification, HTTP), the rest
   * being the agent's detection (its cycle phase, and whatever the signal itself needs).
   */
  readonly pipelineMs: number;
}

function settingsFrom(flags: ParsedFlags): Settings {
  const trialsText = flags.string('trials') ?? String(DEFAULT_TRIALS);
  const trials = Number(trialsText);
  if (!/^\d+$/.test(trialsText) || trials < 1) {
    throw new UsageError(`--trials ${trialsText}: expected a whole number of at least 1`);
  }
  const intervalText = flags.string('interval') ?? DEFAULT_INTERVAL;
  const intervalMs = parseDuration(intervalText);
  if (intervalMs === undefined || intervalMs < MIN_INTERVAL_MS) {
    throw new UsageError(`--interval ${intervalText}: expected a duration of at least ${MIN_INTERVAL_MS}ms`);
  }
  const faults = (flags.string('faults') ?? FAULT_NAMES.join(','))
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  for (const name of faults) {
    if (!(FAULT_NAMES as readonly string[]).includes(name)) {
      throw new UsageError(`--faults: unknown fault '${name}' (known: ${FAULT_NAMES.join(', ')})`);
    }
  }
  return { trials, intervalMs, faults: faults as FaultName[] };
}

function progress(message: string): void {
  process.stderr.write(`${PROGRAM}: ${message}\n`);
}

/**
 * Milliseconds from now until `listed` says what is awaited, reading the node every POLL_MS; with the
 * wall-clock time of that read and the sampling time of the node's latest report then.
 */
async function timeUntil(
  rig: DiagnosisRig,
  what: string,
  listed: (causes: readonly string[]) => boolean,
  timeoutMs: number,
): Promise<{ ms: number; seenAtMs: number; sampledAtMs: number }> {
  const started = performance.now();
  for (;;) {
    const detail = await rig.detail();
    if (detail && listed(detail.causes.map((cause) => cause.id))) {
      const sampledAt = detail.lastReport?.sampledAt;
      return {
        ms: performance.now() - started,
        seenAtMs: Date.now(),
        sampledAtMs: sampledAt ? Date.parse(sampledAt) : Number.NaN,
      };
    }
    if (performance.now() - started > timeoutMs) {
      throw new NotSeen(`${what}: not seen within ${formatDuration(timeoutMs)}`);
    }
    await sleep(POLL_MS);
  }
}

/** One fault's trials: those whose cause appeared, and how many did not within the scenario's bound. */
interface FaultResult {
  readonly scenario: FaultScenario;
  readonly trials: Trial[];
  readonly missed: number;
}

class NotSeen extends Error {}

async function measureFault(scenario: FaultScenario, settings: Settings): Promise<FaultResult> {
  const options = await scenario.setup();
  let rig: DiagnosisRig | undefined;
  try {
    rig = await DiagnosisRig.start({
      ...options,
      node: `bench-${scenario.cause}`,
      intervalMs: settings.intervalMs,
    });
    const trials: Trial[] = [];
    let missed = 0;
    for (let trial = 1; trial <= settings.trials; trial += 1) {
      await rig.waitForHealthy(BASELINE_TIMEOUT_MS);
      await sleep(Math.random() * settings.intervalMs);
      await scenario.inject();
      let appeared: Awaited<ReturnType<typeof timeUntil>>;
      try {
        appeared = await timeUntil(
          rig,
          `${scenario.cause} to appear`,
          (causes) => causes.includes(scenario.cause),
          scenario.settleMs,
        );
      } catch (error) {
        if (!(error instanceof NotSeen)) throw error;
        // A miss is a figure too: counted and reported, and the run goes on.
        missed += 1;
        progress(`${scenario.cause} trial ${trial}/${settings.trials}: ${error.message}`);
        await scenario.remove();
        continue;
      }
      await scenario.remove();
      const cleared = await timeUntil(
        rig,
        `${scenario.cause} to clear`,
        (causes) => !causes.includes(scenario.cause),
        scenario.settleMs,
      );
      const result = {
        appearMs: appeared.ms,
        clearMs: cleared.ms,
        pipelineMs: appeared.seenAtMs - appeared.sampledAtMs,
      };
      trials.push(result);
      progress(
        `${scenario.cause} trial ${trial}/${settings.trials}: appeared after ${seconds(result.appearMs)} s (${seconds(result.pipelineMs)} s of it from the report's sampling), cleared after ${seconds(result.clearMs)} s`,
      );
    }
    return { scenario, trials, missed };
  } finally {
    await rig?.dispose();
    await scenario.teardown();
  }
}

/** Nearest-rank percentile of a non-empty list. */
function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? Number.NaN;
}

function seconds(ms: number): string {
  return (ms / 1_000).toFixed(2);
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function table(results: readonly FaultResult[], intervalMs: number): string {
  const figure = (values: number[], p: number) => {
    if (values.length === 0) return '—';
    const ms = percentile(values, p);
    return `${seconds(ms)} s (${(ms / intervalMs).toFixed(1)})`;
  };
  const lines = [
    row([
      'fault',
      'injected',
      'trials',
      'missed',
      'appear p50',
      'appear max',
      'sampled → API p50',
      'sampled → API max',
      'clear p50',
      'clear max',
    ]),
    row(['---', '---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']),
  ];
  for (const { scenario, trials, missed } of results) {
    const appear = trials.map((trial) => trial.appearMs);
    const clear = trials.map((trial) => trial.clearMs);
    const pipeline = trials.map((trial) => trial.pipelineMs);
    lines.push(
      row([
        scenario.cause,
        scenario.injection,
        String(trials.length + missed),
        String(missed),
        figure(appear, 50),
        figure(appear, 100),
        figure(pipeline, 50),
        figure(pipeline, 100),
        figure(clear, 50),
        figure(clear, 100),
      ]),
    );
  }
  return lines.join('\n');
}

function verdicts(results: readonly FaultResult[], intervalMs: number) {
  return results.map(({ scenario, trials, missed }) => {
    if (missed > 0) {
      return `${scenario.cause}: ${missed} of ${trials.length + missed} trials did not show it within ${formatDuration(scenario.settleMs)}: MISSES the target of ${TARGET_INTERVALS} intervals.`;
    }
    const worst = percentile(
      trials.map((trial) => trial.appearMs),
      100,
    );
    const within = worst <= TARGET_INTERVALS * intervalMs;
    return `${scenario.cause}: appeared within ${(worst / intervalMs).toFixed(1)} intervals at most: ${within ? 'meets' : 'MISSES'} the target of ${TARGET_INTERVALS}.`;
  });
}

async function main(argv: readonly string[]): Promise<number> {
  const read = readCommandLine(
    { program: PROGRAM, invocation: 'npm run bench:fault-to-cause --', synopsis: ['[flags]'], flags: FLAGS },
    argv,
    settingsFrom,
  );
  if ('exitCode' in read) return read.exitCode;
  const settings = read.config;
  if (process.getuid?.() !== 0) {
    process.stderr.write(`${PROGRAM}: needs root (namespaces, tmpfs mounts), as the end-to-end tests do\n`);
    return EXIT_FAILURE;
  }
  // Exiting runs the harness's exit hooks: processes killed, mounts and namespaces removed.
  const interrupt = () => process.exit(130);
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);

  const loadAtStart = loadavg()
    .map((load) => load.toFixed(2))
    .join(' ');
  const results: FaultResult[] = [];
  for (const name of settings.faults) {
    const scenario = faultScenario(name, settings.intervalMs);
    progress(`${name}: ${scenario.injection}`);
    results.push(await measureFault(scenario, settings));
  }
  process.stdout.write(
    [
      `Fault to cause on GET /api/v1/nodes/{node}: agent interval ${formatDuration(settings.intervalMs)}, ${settings.trials} trials per fault, polled every ${POLL_MS} ms; kernel ${release()}, load average at start ${loadAtStart}.`,
      'Figures in seconds and (in parentheses) sampling intervals. appear: injection done to the first read showing the cause; sampled → API: sampling time of the report that carried it to that read (the collector side); clear: removal done to the first read without it.',
      '',
      table(results, settings.intervalMs),
      '',
      ...verdicts(results, settings.intervalMs),
      '',
    ].join('\n'),
  );
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${PROGRAM}: ${error instanceof Error ? error.message : String(error)}\n`);
    // The harness's exit hooks stop what the run started.
    process.exit(EXIT_FAILURE);
  },
);
