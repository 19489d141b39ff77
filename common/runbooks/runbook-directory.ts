import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the runbooks live inside the package, relative to its root (the directory holding package.json). */
export const RUNBOOK_DIRECTORY = 'collector/runbooks';

/**
 * The runbooks shipped with this copy of nodedoc. The package root is the nearest ancestor of this module
 * holding a package.json, which is the same directory whether the module runs from the sources (vitest:
 * common/runbooks/), from the build (dist/common/runbooks/), from an installed package
 * (node_modules/nodedoc/dist/…) or from the image (/app/dist/…, with collector/runbooks copied beside dist/).
 * Undefined when no ancestor has a package.json, i.e. the build was copied without its package.
 */
export function bundledRunbookDirectory(moduleUrl: string = import.meta.url): string | undefined {
  let directory = dirname(fileURLToPath(moduleUrl));
  for (;;) {
    if (existsSync(join(directory, 'package.json'))) return join(directory, RUNBOOK_DIRECTORY);
    const parent = dirname(directory);
    if (parent === directory) return undefined;
    directory = parent;
  }
}
