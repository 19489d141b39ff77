import { describe, expect, it } from 'vitest';
import { CAUSE_CATALOG } from '../../../collector/diagnosis/cause-catalog.js';
import { CAUSE_RELATIONS } from '../../../collector/diagnosis/cause-relations.js';
import { CAUSE_IDS } from '../../../common/ids.js';
import { bundledRunbookDirectory } from '../../../common/runbooks/runbook-directory.js';
import { RunbookLibrary } from '../../../common/runbooks/runbook-library.js';

/**
 * The runbooks say what the classifier does: the same titles as the cause catalog (so `nodedoc causes`, the
 * API and the runbook pages agree), every relation named from both ends, fleet scope where a cause can be
 * fleet-wide, and the event window where a cause is a one-off event. A new relation or catalog change fails
 * here until the runbooks follow.
 */
const library = RunbookLibrary.load(bundledRunbookDirectory() ?? '');
function markdown(id: string): string {
  const runbook = library.get(id);
  if (!runbook) throw new Error(`no runbook for ${id}`);
  return runbook.markdown;
}

describe('runbooks and the cause catalog', () => {
  it.each(CAUSE_IDS)('%s has the catalog title', (id) => {
    expect(library.get(id)?.title).toBe(CAUSE_CATALOG[id].title);
  });

  it.each(CAUSE_RELATIONS.map((relation) => [relation.root, relation.symptom] as const))(
    '%s explains %s: each runbook names the other',
    (root, symptom) => {
      expect(markdown(symptom), `${symptom}.md should name ${root}`).toContain(`\`${root}\``);
      expect(markdown(root), `${root}.md should name ${symptom}`).toContain(`\`${symptom}\``);
    },
  );

  it.each(CAUSE_IDS.filter((id) => CAUSE_CATALOG[id].fleetEligible))(
    '%s can be fleet-wide: its runbook says what scope `fleet` means',
    (id) => {
      expect(markdown(id)).toContain('scope `fleet`');
    },
  );

  it.each(CAUSE_IDS.filter((id) => CAUSE_CATALOG[id].event))(
    '%s is a one-off event: its runbook says how long it stays (--event-window)',
    (id) => {
      expect(markdown(id)).toContain('`--event-window`');
    },
  );
});
