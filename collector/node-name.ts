/**
 * Node names are Kubernetes object names: DNS-1123 subdomains (lower-case alphanumerics, '-' and '.', starting
 * and ending with an alphanumeric, at most 253 characters), checked as the API server's IsDNS1123Subdomain does.
 */
import { MAX_NODE_NAME_LENGTH } from './ingest/wire-limits.js';

export { MAX_NODE_NAME_LENGTH };

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Why `name` is not a valid node name, or undefined when it is. */
export function nodeNameProblem(name: string): string | undefined {
  if (name === '') return 'must not be empty';
  if (name.length > MAX_NODE_NAME_LENGTH) {
    return `is ${name.length} characters; at most ${MAX_NODE_NAME_LENGTH} are allowed`;
  }
  if (!DNS1123_SUBDOMAIN.test(name)) {
    return "must be a DNS-1123 subdomain (lower-case letters, digits, '-' and '.', starting and ending with a letter or digit)";
  }
  return undefined;
}

export function isNodeName(name: string): boolean {
  return nodeNameProblem(name) === undefined;
}
