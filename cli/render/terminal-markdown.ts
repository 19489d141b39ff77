import { markdownLines } from '../../common/runbooks/runbook.js';
import type { Style } from './style.js';

/**
 * Markdown for a terminal: headings in bold without their `#` marks, everything else as written (code blocks
 * read fine as they are, and a `#` line inside one is a shell comment, not a heading). With styling off (a pipe,
 * a file, NO_COLOR) the markdown is returned unchanged, ready for a renderer or a ticket.
 */
export function terminalMarkdown(markdown: string, style: Style): string {
  if (!style.enabled) return markdown;
  return markdownLines(markdown)
    .map(({ line, inFence }) => {
      const heading = inFence ? null : /^#{1,6} (.+)$/.exec(line);
      return heading ? style.paint('bold', heading[1] ?? '') : line;
    })
    .join('\n');
}
