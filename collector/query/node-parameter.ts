import { collectorError } from '../errors.js';
import { nodeNameProblem } from '../node-name.js';

/** A node name from a request (path segment, gRPC field); throws INVALID_PARAMETER naming the problem. */
export function nodeParameter(name: string): string {
  const problem = nodeNameProblem(name);
  if (problem !== undefined) {
    throw collectorError('INVALID_PARAMETER', {
      name: 'node name',
      reason: `${JSON.stringify(name)} ${problem}`,
    });
  }
  return name;
}
