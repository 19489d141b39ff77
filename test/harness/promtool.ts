import { spawn } from 'node:child_process';
import { once } from 'node:events';

/** What `promtool check metrics` said about an exposition. */
export interface PromtoolVerdict {
  /** 0: clean; 1: unparsable input; 3: lint problems (Prometheus 2.x exit codes). */
  readonly code: number | null;
  /** One entry per problem line ("<metric> <problem>"), from stdout and stderr alike. */
  readonly problems: readonly string[];
}

/** Pipes a /metrics body through the real `promtool check metrics` (Debian package `prometheus`). */
export async function promtoolCheckMetrics(exposition: string): Promise<PromtoolVerdict> {
  const child = spawn('promtool', ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stdin.end(exposition);
  const [code] = (await once(child, 'exit')) as [number | null];
  return {
    code,
    problems: output
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean),
  };
}
