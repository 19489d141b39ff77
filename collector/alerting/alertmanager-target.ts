/** Alertmanager's API for pushing alerts, relative to its base URL (which may carry a path prefix). */
const ALERTS_PATH = 'api/v2/alerts';

/** One Alertmanager the collector pushes to, as parsed from --alertmanager-url. */
export interface AlertmanagerTarget {
  /** Where alerts are POSTed: the base URL + api/v2/alerts, without credentials. */
  readonly alertsUrl: URL;
  /** The base URL without credentials: how logs and metric labels name this Alertmanager. */
  readonly name: string;
  /** `Basic …` when the URL carried user:password (fetch refuses URLs with credentials), else undefined. */
  readonly authorization: string | undefined;
}

/**
 * Parses an --alertmanager-url value; returns a one-line reason instead of a target when it is unusable.
 * User and password in the URL become a basic-auth header and are kept out of the target's name.
 */
export function parseAlertmanagerUrl(text: string): AlertmanagerTarget | string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'expected an absolute http(s) URL, like http://alertmanager:9093/';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'expected an http or https URL';
  if (url.search !== '' || url.hash !== '') return 'expected a base URL without ?query or #fragment';
  const authorization =
    url.username === '' && url.password === ''
      ? undefined
      : `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
  url.username = '';
  url.password = '';
  // A base without the trailing slash would lose its last path segment when the API path is resolved against it.
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return { alertsUrl: new URL(ALERTS_PATH, url), name: url.toString(), authorization };
}
