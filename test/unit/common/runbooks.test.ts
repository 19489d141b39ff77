import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CAUSE_IDS } from '../../../common/ids.js';
import { parseRunbook, RUNBOOK_SECTIONS, runbookProblems } from '../../../common/runbooks/runbook.js';
import { bundledRunbookDirectory } from '../../../common/runbooks/runbook-directory.js';
import {
  RunbookLibrary,
  RunbookLoadError,
  strayRunbookFiles,
} from '../../../common/runbooks/runbook-library.js';

const REPO_RUNBOOKS = new URL('../../../collector/runbooks/', import.meta.url).pathname;
const GOOD = `# Something broke

## Meaning

What nodedoc measured.

## Impact

What breaks.

## Diagnosis

\`\`\`sh
# a comment is not a heading
## nor is this
kubectl describe node <node>
\`\`\`

## Mitigation

Fix it.
`;

const scratch: string[] = [];
function tempDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'nodedoc-runbooks-'));
  scratch.push(directory);
  return directory;
}
afterAll(() => {
  for (const directory of scratch) rmSync(directory, { recursive: true, force: true });
});

describe('the shipped runbooks (collector/runbooks)', () => {
  const library = RunbookLibrary.load(REPO_RUNBOOKS);
  const runbook = (id: string) => {
    const found = library.get(id);
    if (!found) throw new Error(`no runbook for ${id}`);
    return found;
  };

  it('has one file per cause id and no file for anything else', () => {
    const files = readdirSync(REPO_RUNBOOKS).filter((name) => name.endsWith('.md'));
    expect(files.sort()).toEqual(CAUSE_IDS.map((id) => `${id}.md`).sort());
    expect(strayRunbookFiles(REPO_RUNBOOKS)).toEqual([]);
    expect(library.all().map((runbook) => runbook.id)).toEqual([...CAUSE_IDS]);
  });

  it.each(CAUSE_IDS)(
    '%s follows the convention: title, the four sections in order, a command to run',
    (id) => {
      expect(runbookProblems(runbook(id))).toEqual([]);
      expect(runbook(id).sections.map((section) => section.name)).toEqual([...RUNBOOK_SECTIONS]);
    },
  );

  it.each(CAUSE_IDS)('%s tells on-call how to see what nodedoc saw and names its cause id', (id) => {
    const { markdown } = runbook(id);
    expect(markdown).toContain('nodedoc why <node>');
    expect(markdown).toContain(`\`${id}\``);
  });
});

describe('runbookProblems', () => {
  it('accepts a well-formed runbook, reading through code blocks', () => {
    const runbook = parseRunbook('kubelet-down', GOOD);
    expect(runbook.title).toBe('Something broke');
    expect(runbookProblems(runbook)).toEqual([]);
    expect(runbook.sections[2]?.body).toContain('## nor is this');
  });

  it('fails a runbook without a title', () => {
    expect(runbookProblems(parseRunbook('kubelet-down', GOOD.replace('# Something broke\n', '')))).toContain(
      'the first line is not a "# Title" heading',
    );
  });

  it('fails a missing section', () => {
    const text = GOOD.replace('## Impact\n\nWhat breaks.\n', '');
    expect(runbookProblems(parseRunbook('kubelet-down', text))).toEqual([
      'sections are [Meaning, Diagnosis, Mitigation]; expected exactly [Meaning, Impact, Diagnosis, Mitigation] in that order',
    ]);
  });

  it('fails sections out of order', () => {
    const text = GOOD.replace('## Meaning', '## Swap')
      .replace('## Impact', '## Meaning')
      .replace('## Swap', '## Impact');
    expect(runbookProblems(parseRunbook('kubelet-down', text))[0]).toMatch(
      /^sections are \[Impact, Meaning,/,
    );
  });

  it('fails an empty section', () => {
    const text = GOOD.replace('What breaks.\n', '');
    expect(runbookProblems(parseRunbook('kubelet-down', text))).toEqual(['section Impact is empty']);
  });

  it('fails a Diagnosis without a code block', () => {
    const text = GOOD.replace(/```sh[\s\S]*?```/, 'Look around.');
    expect(runbookProblems(parseRunbook('kubelet-down', text))).toEqual([
      'section Diagnosis has no code block with a command to run',
    ]);
  });
});

describe('RunbookLibrary.load', () => {
  it('names every missing file', () => {
    const directory = tempDirectory();
    for (const id of CAUSE_IDS.slice(2)) writeFileSync(join(directory, `${id}.md`), GOOD);
    expect(() => RunbookLibrary.load(directory)).toThrow(RunbookLoadError);
    expect(() => RunbookLibrary.load(directory)).toThrow(
      `${directory} has no runbook for: ${CAUSE_IDS[0]}.md, ${CAUSE_IDS[1]}.md`,
    );
  });

  it('refuses a directory that does not exist', () => {
    expect(() => RunbookLibrary.load('/nonexistent/runbooks')).toThrow(
      'the runbook directory /nonexistent/runbooks does not exist',
    );
  });

  it('finds files that name no cause, and answers only cause ids', () => {
    const directory = tempDirectory();
    for (const id of CAUSE_IDS) writeFileSync(join(directory, `${id}.md`), GOOD);
    writeFileSync(join(directory, 'disk-full.md'), GOOD);
    writeFileSync(join(directory, 'notes.txt'), 'not a runbook');
    const library = RunbookLibrary.load(directory);
    expect(strayRunbookFiles(directory)).toEqual(['disk-full.md']);
    expect(library.get('disk-full')).toBeUndefined();
    expect(library.get('__proto__')).toBeUndefined();
    expect(library.get('kubelet-down')?.markdown).toBe(GOOD);
  });
});

describe('bundledRunbookDirectory', () => {
  it('is collector/runbooks of the package, from the sources and from dist/', () => {
    expect(bundledRunbookDirectory()).toBe(REPO_RUNBOOKS.replace(/\/$/, ''));
    const fromDist = new URL('../../../dist/common/runbooks/runbook-directory.js', import.meta.url).href;
    expect(bundledRunbookDirectory(fromDist)).toBe(REPO_RUNBOOKS.replace(/\/$/, ''));
  });

  it('is undefined when no ancestor holds a package.json', () => {
    expect(
      bundledRunbookDirectory(pathToFileURL('/nonexistent/dist/common/runbooks/x.js').href),
    ).toBeUndefined();
  });

  it('reads the same text the library serves', () => {
    const directory = bundledRunbookDirectory() ?? '';
    expect(RunbookLibrary.load(directory).get('oom-kill')?.markdown).toBe(
      readFileSync(join(directory, 'oom-kill.md'), 'utf8'),
    );
  });
});
