import { isIP } from 'node:net';

export interface ResolvConf {
  /** Valid nameserver addresses in file order (IPv6 may carry a %zone). */
  readonly nameservers: readonly string[];
  /** The last search (or domain) line wins, as in glibc. */
  readonly search: readonly string[];
  /** Raw option words, e.g. "ndots:5", "timeout:2". */
  readonly options: readonly string[];
}

/** A zone suffix ("fe80::1%eth0") is legal in resolv.conf but not in net.isIP. */
function isNameserverAddress(value: string): boolean {
  const percent = value.indexOf('%');
  if (percent < 0) return isIP(value) !== 0;
  return percent > 0 && percent < value.length - 1 && isIP(value.slice(0, percent)) === 6;
}

/**
 * resolv.conf(5) as glibc reads it: keyword lines, comments starting with # or ;, unknown keywords
 * ignored, a nameserver that is not an address ignored (glibc skips what inet_pton rejects). A file with
 * no nameserver is valid (glibc would then use 127.0.0.1; the agent probes nothing): the parser never
 * throws, whatever the bytes.
 */
export function parseResolvConf(text: string): ResolvConf {
  const nameservers: string[] = [];
  let search: string[] = [];
  const options: string[] = [];
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const [keyword, ...words] = line.split(/[ \t]+/);
    switch (keyword) {
      case 'nameserver': {
        const address = words[0];
        if (address !== undefined && isNameserverAddress(address)) nameservers.push(address);
        break;
      }
      case 'search':
      case 'domain':
        search = words;
        break;
      case 'options':
        options.push(...words);
        break;
      default:
        break;
    }
  }
  return { nameservers, search, options };
}
