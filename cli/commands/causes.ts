import type { CauseInfoJson } from '../../common/api/http-v1.js';
import { type Command, json } from '../command.js';
import { renderTable } from '../render/table.js';

export const causesCommand: Command = {
  name: 'causes',
  argsUsage: '',
  summary: 'Every cause nodedoc can diagnose, with its runbook.',
  arity: 0,
  async run({ api, format }) {
    const causes = await api.get<CauseInfoJson[]>('/api/v1/causes');
    if (format === 'json') return json(causes);
    return renderTable(
      ['CAUSE', 'WHAT IT MEANS', 'RUNBOOK'],
      causes.map((cause) => [cause.id, cause.title, api.resolve(cause.runbook)]),
    );
  },
};
