import { EXIT_FAILURE } from '../common/cli/usage-error.js';

/** A failure to report on one line of stderr (unknown node, collector unreachable), with its exit code. */
export class CliError extends Error {
  override readonly name = 'CliError';

  constructor(
    message: string,
    readonly exitCode: number = EXIT_FAILURE,
  ) {
    super(message);
  }
}
