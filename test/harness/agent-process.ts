import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import type { Finding } from '../../agent/finding.js';
import type { AgentReport } from '../../agent/report.js';
import { shebangNodeFlags } from '../../common/shebang-flags.js';
import { builtProgram } from './built-program.js';
import { waitFor } from './wait-for.js';

/** The built agent: integration tests exercise the real binary, as users run it (npm test builds first). */
export const AGENT_BIN = builtProgram('agent/main.js');

/** The Node flags the agent ships with (its shebang line), so tests run what users run. */
let nodeFlags: string[] | undefined;
function agentNodeFlags(): string[] {
  nodeFlags ??= shebangNodeFlags(AGENT_BIN);
  return nodeFlags;
}

export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Wraps a command so it runs inside a network namespace the test created. */
function command(args: readonly string[], netns?: string): [string, string[]] {
  return netns
    ? ['ip', ['netns', 'exec', netns, process.execPath, ...agentNodeFlags(), AGENT_BIN, ...args]]
    : [process.execPath, [...agentNodeFlags(), AGENT_BIN, ...args]];
}

/** Runs the agent to completion and captures its output. */
export async function runAgent(
  args: readonly string[],
  options: { netns?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<RunResult> {
  const [file, argv] = command(args, options.netns);
  const child = spawn(file, argv, {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

/** `nodedoc-agent --once --json` plus args; fails the test with stderr if the output is not a report. */
export async function agentOnce(
  args: readonly string[],
  options: { netns?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<AgentReport> {
  const result = await runAgent(['--once', '--json', ...args], options);
  if (result.code !== 0) throw new Error(`agent exited ${result.code}: ${result.stderr}`);
  try {
    return JSON.parse(result.stdout) as AgentReport;
  } catch {
    throw new Error(`agent printed no JSON document: ${result.stdout.slice(0, 500)} ${result.stderr}`);
  }
}

export function findingsFor(report: AgentReport, cause: string): Finding[] {
  return report.findings.filter((finding) => finding.cause === cause);
}

/** The one finding of `cause` in the report; throws, listing every finding, unless there is exactly one. */
export function onlyFinding(report: AgentReport, cause: string): Finding {
  const [finding, ...more] = findingsFor(report, cause);
  if (!finding || more.length > 0) {
    throw new Error(`expected one ${cause} finding, the report has ${JSON.stringify(report.findings)}`);
  }
  return finding;
}

/** A continuously running agent whose metrics port is discovered from its "agent started" log line. */
export interface RunningAgent {
  readonly child: ChildProcess;
  readonly metricsUrl: string;
  readonly logLines: () => readonly Record<string, unknown>[];
  stop(): Promise<number | null>;
}

export async function startAgent(
  args: readonly string[],
  options: { netns?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<RunningAgent> {
  const [file, argv] = command(['--metrics-listen', '127.0.0.1:0', ...args], options.netns);
  const child = spawn(file, argv, {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  let buffered = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const part of parts) {
      try {
        lines.push(JSON.parse(part) as Record<string, unknown>);
      } catch {
        lines.push({ unparsed: part });
      }
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const started = await waitFor(
    'the agent to log "agent started"',
    () => {
      if (child.exitCode !== null) throw new Error(`agent exited ${child.exitCode}: ${stderr}`);
      return lines.find((line) => line.msg === 'agent started');
    },
    { timeoutMs: 20_000 },
    () => stderr,
  );
  return {
    child,
    metricsUrl: `http://${String(started.metrics)}/metrics`,
    logLines: () => lines,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      return code;
    },
  };
}
