import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { LinkCodec } from '../../agent/link/link-codec.js';
import { timestampFromMs } from '../../agent/link/proto-time.js';
import { encodeHello, encodeReport } from '../../agent/link/report-encoding.js';
import type { AgentReport } from '../../agent/report.js';
import { shebangNodeFlags } from '../../common/shebang-flags.js';
import type { Hello } from '../../proto/gen/nodedoc/v1/Hello.js';

const AGENT_BIN = fileURLToPath(new URL('../../agent/main.js', import.meta.url));
/** `--once` samples twice a second apart; the probes of an absent kubelet or runtime give up within this. */
const CAPTURE_TIMEOUT_MS = 30_000;
const CAPTURE_MAX_BUFFER = 16 * 1024 * 1024;

/**
 * What the simulated agents send: one real `nodedoc-agent --once --json` document of this host, encoded with
 * the agent's own wire code (agent/link/report-encoding.ts, link-codec.ts), so reports have a real agent's
 * size and shape (samples JSON, a dozen signals, vitals, whatever findings this host has).
 *
 * Per report only the sequence and the sampling time change. Re-encoding the whole report for each of
 * tens of thousands of messages a second would make the load generator, not the collector, the bottleneck.
 * So the report is encoded once without those two fields, and each report is that template followed by a
 * tiny encoded Report holding just them: in the protobuf wire format, concatenated encodings of a message
 * parse as one message with the fields of both (https://protobuf.dev/programming-guides/encoding/#last-one-wins).
 */
export class ReportTemplate {
  private constructor(
    private readonly codec: LinkCodec,
    readonly document: AgentReport,
    /** The report without sequence and sampled_at. */
    private readonly body: Buffer,
  ) {}

  /** Runs the built agent once; `signal` aborts it (Ctrl-C). */
  static async capture(codec: LinkCodec, signal?: AbortSignal): Promise<ReportTemplate> {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        ...shebangNodeFlags(AGENT_BIN),
        AGENT_BIN,
        '--once',
        '--json',
        '--probe-timeout',
        '1s',
        '--dns-timeout',
        '1s',
      ],
      { timeout: CAPTURE_TIMEOUT_MS, maxBuffer: CAPTURE_MAX_BUFFER, ...(signal ? { signal } : {}) },
    );
    const document = JSON.parse(stdout) as AgentReport;
    // Sequence 0 and no sampled_at are proto3 defaults, which are not written: the body has neither field.
    const body = codec.report({ ...encodeReport(document, 0n), sampledAt: null });
    return new ReportTemplate(codec, document, body);
  }

  /** Encoded size of one report (the body plus its sequence and time). */
  get reportBytes(): number {
    return this.report(1, Date.now()).length;
  }

  /** The encoded Report `sequence` of a node, sampled at `sampledAtMs`. */
  report(sequence: number, sampledAtMs: number): Buffer {
    const tail = this.codec.report({ sequence: String(sequence), sampledAt: timestampFromMs(sampledAtMs) });
    return Buffer.concat([this.body, tail], this.body.length + tail.length);
  }

  /** A Hello as the real agent would send it for `node` (this host's inventory and boot id). */
  hello(node: string, epoch: string, intervalMs: number): Hello {
    return encodeHello({
      nodeName: node,
      bootId: this.document.bootId ?? '',
      inventory: this.document.host,
      epoch,
      intervalMs,
    });
  }
}
