import { envName, type FlagSpec } from './flag-spec.js';

/** Renders `--help` text: a synopsis, then one aligned block per flag with its env variable and default. */
export function renderUsage(
  program: string,
  synopsis: readonly string[],
  specs: readonly FlagSpec[],
): string {
  const lines = ['Usage:', ...synopsis.map((line) => `  ${program} ${line}`), '', 'Flags:'];
  for (const spec of specs) {
    const value = spec.type === 'string' ? ` ${spec.placeholder ?? 'VALUE'}` : '';
    const alias = spec.short ? `-${spec.short}, ` : '';
    lines.push(`  ${alias}--${spec.name}${value}${spec.repeatable ? ' (repeatable)' : ''}`);
    const extras = [
      envName(spec) ? `env ${envName(spec)}` : undefined,
      spec.defaultText !== undefined ? `default ${spec.defaultText}` : undefined,
    ].filter((part): part is string => part !== undefined);
    lines.push(`      ${spec.description}${extras.length ? ` [${extras.join('; ')}]` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}

/** A Markdown table cell: a literal | would end the cell, even inside backticks. */
export function markdownCell(text: string): string {
  return text.replaceAll('|', '\\|');
}

/** Renders the same table as a Markdown reference (README "Configuration"). */
export function renderFlagTable(specs: readonly FlagSpec[]): string {
  const rows = specs.map((spec) => {
    const value = spec.type === 'string' ? ` ${spec.placeholder ?? 'VALUE'}` : '';
    const env = envName(spec);
    const cells = [
      `\`${spec.short ? `-${spec.short}, ` : ''}--${spec.name}${value}\`${spec.repeatable ? ' (repeatable)' : ''}`,
      env ? `\`${env}\`` : '',
      spec.defaultText === undefined ? '' : `\`${spec.defaultText}\``,
      spec.description,
    ];
    return `| ${cells.map(markdownCell).join(' | ')} |`;
  });
  return ['| flag | environment | default | meaning |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
