import type { NodeStatusString } from '../../common/api/http-v1.js';
import type { SeverityString } from '../../common/ids.js';

const CODES = { red: 31, yellow: 33, green: 32, gray: 90, bold: 1 } as const;
type Color = keyof typeof CODES;

/**
 * Colour for a terminal, plain text otherwise: only when stdout is a TTY and NO_COLOR is unset
 * (https://no-color.org), so pipes, files and `-o json` never carry escape codes.
 */
export class Style {
  constructor(readonly enabled: boolean) {}

  static forStream(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv): Style {
    return new Style(stream.isTTY === true && (env.NO_COLOR ?? '') === '');
  }

  paint(color: Color, text: string): string {
    return this.enabled ? `\u001b[${CODES[color]}m${text}\u001b[0m` : text;
  }

  status(status: NodeStatusString): string {
    const color: Color = status === 'Ready' ? 'green' : status === 'AtRisk' ? 'yellow' : 'red';
    return this.paint(color, status);
  }

  severity(severity: SeverityString): string {
    const color: Color = severity === 'critical' ? 'red' : severity === 'warning' ? 'yellow' : 'gray';
    return this.paint(color, severity);
  }
}
