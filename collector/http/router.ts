/**
 * The HTTP API's router: exact segments and `:name` captures, one handler per method and path pattern. HEAD is
 * answered by the GET handler (node:http drops the body). Anything unmatched is told apart as "no such path"
 * (404) or "path exists, wrong method" (405 with the allowed methods).
 */
export type RouteMatch<H> =
  | { readonly kind: 'found'; readonly handler: H; readonly params: Readonly<Record<string, string>> }
  | { readonly kind: 'method-not-allowed'; readonly allowed: readonly string[] }
  | { readonly kind: 'not-found' }
  /** A capture that is not valid percent-encoding ("%E0%A4%A"). */
  | { readonly kind: 'bad-path'; readonly segment: string };

interface Route<H> {
  readonly segments: readonly string[];
  readonly handlers: Map<string, H>;
}

function split(path: string): string[] {
  return path === '/' ? [] : path.replace(/^\//, '').split('/');
}

export class Router<H> {
  private readonly routes: Route<H>[] = [];

  add(method: string, pattern: string, handler: H): this {
    const segments = split(pattern);
    let route = this.routes.find((candidate) => candidate.segments.join('/') === segments.join('/'));
    if (!route) {
      route = { segments, handlers: new Map() };
      this.routes.push(route);
    }
    route.handlers.set(method, handler);
    return this;
  }

  match(method: string, path: string): RouteMatch<H> {
    const parts = split(path);
    for (const route of this.routes) {
      if (route.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let matched = true;
      for (const [index, segment] of route.segments.entries()) {
        const part = parts[index] ?? '';
        if (segment.startsWith(':')) {
          if (part === '') {
            matched = false;
            break;
          }
          try {
            params[segment.slice(1)] = decodeURIComponent(part);
          } catch {
            return { kind: 'bad-path', segment: part };
          }
        } else if (segment !== part) {
          matched = false;
          break;
        }
      }
      if (!matched) continue;
      const handler =
        route.handlers.get(method) ?? (method === 'HEAD' ? route.handlers.get('GET') : undefined);
      if (handler !== undefined) return { kind: 'found', handler, params };
      const allowed = [...route.handlers.keys()];
      if (allowed.includes('GET')) allowed.push('HEAD');
      return { kind: 'method-not-allowed', allowed };
    }
    return { kind: 'not-found' };
  }
}
