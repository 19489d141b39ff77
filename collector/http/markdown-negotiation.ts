/**
 * Whether a runbook request wants markdown rather than HTML. `?format=` decides when given (a link or a
 * script that cannot set headers); otherwise the Accept header does: markdown when `text/markdown` is named
 * with a quality above HTML's, or equal to it when HTML is only covered by a wildcard (`text/*` or the
 * any-type range). Browsers (which name text/html), curl (any type) and a missing header get HTML.
 */
import { collectorError } from '../errors.js';

export const RUNBOOK_FORMATS = ['html', 'markdown'] as const;
export type RunbookFormat = (typeof RUNBOOK_FORMATS)[number];

interface MediaRange {
  readonly type: string;
  readonly quality: number;
}

/** RFC 9110 Accept: comma-separated media ranges, each with an optional `q` parameter (default 1). */
function parseAccept(header: string): MediaRange[] {
  return header
    .split(',')
    .map((part) => {
      const [type = '', ...parameters] = part.split(';').map((piece) => piece.trim().toLowerCase());
      const q = parameters.find((parameter) => parameter.startsWith('q='));
      const quality = q === undefined ? 1 : Number(q.slice(2));
      return { type, quality: Number.isFinite(quality) ? Math.min(Math.max(quality, 0), 1) : 0 };
    })
    .filter((range) => range.type !== '');
}

/** Quality of the first range matching, most specific first; undefined when none matches. */
function qualityOf(ranges: readonly MediaRange[], candidates: readonly string[]): number | undefined {
  for (const candidate of candidates) {
    const range = ranges.find((entry) => entry.type === candidate);
    if (range) return range.quality;
  }
  return undefined;
}

export function runbookFormat(format: string | undefined, accept: string | undefined): RunbookFormat {
  if (format !== undefined) {
    if ((RUNBOOK_FORMATS as readonly string[]).includes(format)) return format as RunbookFormat;
    throw collectorError('INVALID_PARAMETER', {
      name: 'format',
      reason: `expected ${RUNBOOK_FORMATS.join(' or ')}, got ${JSON.stringify(format)}`,
    });
  }
  const ranges = parseAccept(accept ?? '');
  const markdown = qualityOf(ranges, ['text/markdown']) ?? 0;
  if (markdown === 0) return 'html';
  const exactHtml = qualityOf(ranges, ['text/html']);
  if (exactHtml !== undefined) return markdown > exactHtml ? 'markdown' : 'html';
  const wildcardHtml = qualityOf(ranges, ['text/*', '*/*']) ?? 0;
  return markdown >= wildcardHtml ? 'markdown' : 'html';
}
