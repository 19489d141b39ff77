/**
 * One runbook in the kube-prometheus convention: a `# Title` line, then the sections Meaning, Impact,
 * Diagnosis and Mitigation as `##` headings, in that order. Parsing is fence-aware: a `## ` or `# ` line
 * inside a code block (a shell comment) is part of the block, not a heading.
 */
import type { CauseIdString } from '../ids.js';

/** The section headings every runbook has, in this order and no others. */
export const RUNBOOK_SECTIONS = ['Meaning', 'Impact', 'Diagnosis', 'Mitigation'] as const;

export interface RunbookSection {
  readonly name: string;
  /** The markdown between this heading and the next, trimmed. */
  readonly body: string;
}

export interface Runbook {
  readonly id: CauseIdString;
  /** The text of the `# ` heading on the first line. */
  readonly title: string;
  /** The whole file, as written. */
  readonly markdown: string;
  /** Every `## ` section in file order. */
  readonly sections: readonly RunbookSection[];
}

const FENCE = /^\s{0,3}(```|~~~)/;

/** Each line of the text with whether it lies inside (or opens or closes) a fenced code block. */
export function markdownLines(text: string): { readonly line: string; readonly inFence: boolean }[] {
  let open: string | undefined;
  return text.split('\n').map((line) => {
    const fence = FENCE.exec(line)?.[1];
    if (fence !== undefined && (open === undefined || open === fence)) {
      open = open === undefined ? fence : undefined;
      return { line, inFence: true };
    }
    return { line, inFence: open !== undefined };
  });
}

/** Splits a runbook into its title and `## ` sections; the checks are runbookProblems'. */
export function parseRunbook(id: CauseIdString, markdown: string): Runbook {
  const lines = markdownLines(markdown.replaceAll('\r\n', '\n'));
  const titleLine = lines.find(({ line, inFence }) => !inFence && line.trim() !== '');
  const titleMatch = titleLine ? /^# (.+)$/.exec(titleLine.line) : null;
  const title = titleMatch?.[1]?.trim() ?? '';
  const sections: { name: string; lines: string[] }[] = [];
  for (const { line, inFence } of lines) {
    const heading = inFence ? null : /^## (.+)$/.exec(line);
    if (heading) sections.push({ name: (heading[1] ?? '').trim(), lines: [] });
    else sections.at(-1)?.lines.push(line);
  }
  return {
    id,
    title,
    markdown,
    sections: sections.map(({ name, lines: body }) => ({ name, body: body.join('\n').trim() })),
  };
}

/**
 * What is wrong with a runbook, one sentence each; empty when it follows the convention: a title, exactly the
 * four sections in order, none empty, and a Diagnosis with at least one fenced code block (a command to run).
 */
export function runbookProblems(runbook: Runbook): string[] {
  const problems: string[] = [];
  if (runbook.title === '') problems.push('the first line is not a "# Title" heading');
  const names = runbook.sections.map((section) => section.name);
  if (names.join('|') !== RUNBOOK_SECTIONS.join('|')) {
    problems.push(
      `sections are [${names.join(', ')}]; expected exactly [${RUNBOOK_SECTIONS.join(', ')}] in that order`,
    );
  }
  for (const section of runbook.sections) {
    if (section.body === '') problems.push(`section ${section.name} is empty`);
  }
  const diagnosis = runbook.sections.find((section) => section.name === 'Diagnosis');
  if (diagnosis && !markdownLines(diagnosis.body).some(({ line }) => FENCE.test(line))) {
    problems.push('section Diagnosis has no code block with a command to run');
  }
  return problems;
}
