import { readFileSync } from 'node:fs';

/** The package version, read once from package.json next to dist/ (or the source tree under vitest). */
function readVersion(): string {
  for (const candidate of ['../../package.json', '../package.json']) {
    try {
      const parsed = JSON.parse(readFileSync(new URL(candidate, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (parsed.name === 'nodedoc' && parsed.version) return parsed.version;
    } catch {
      // try the next location
    }
  }
  return '0.0.0-unknown';
}

export const VERSION = readVersion();
