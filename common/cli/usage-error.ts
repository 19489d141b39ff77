/** Bad command-line or environment input. Programs print its message on one line and exit with code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Process exit codes shared by every nodedoc program. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
