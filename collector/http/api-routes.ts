import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import { sendMetrics } from '../../common/http/send-metrics.js';
import type { CollectorState } from '../collector-state.js';
import { type DashboardAssets, makeAsset, sendAsset } from '../dashboard/dashboard-assets.js';
import { dashboardPage } from '../dashboard/dashboard-page.js';
import { causeCatalog } from '../diagnosis/cause-catalog.js';
import { collectorError } from '../errors.js';
import { nodeParameter } from '../query/node-parameter.js';
import { timelineWindow } from '../query/timeline-window.js';
import {
  causeInfoToJson,
  detailToJson,
  fleetToJson,
  summaryToJson,
  timelineToJson,
} from '../views/json-view.js';
import { type EventStreamDependencies, EventStreamSession } from './event-stream.js';
import { runbookFormat } from './markdown-negotiation.js';
import { Router } from './router.js';
import { RUNBOOK_PAGE_CSP, type RunbookDocument, type RunbookPages } from './runbook-pages.js';
import { parseIntegerParameter, parseTimeParameter } from './time-parameter.js';

export interface HttpDependencies {
  readonly state: CollectorState;
  readonly registry: Registry;
  readonly now: () => number;
  readonly version: string;
  /** The dashboard's files, read at start-up. */
  readonly assets: DashboardAssets;
  /** GET /api/v1/watch (without `open`, which each router keeps for its own streams). */
  readonly events: Omit<EventStreamDependencies, 'open'>;
  /** The runbooks rendered at start-up, served under /runbooks. */
  readonly runbooks: RunbookPages;
}

/** What a handler answers; `sent` means it wrote the response itself (/metrics). */
export type Reply =
  /** A document of common/api/http-v1.ts (or a small status object), serialised as JSON. */
  | { readonly kind: 'json'; readonly status: number; readonly body: object }
  | { readonly kind: 'html'; readonly body: string }
  /** Any other 200 text document (a runbook as HTML or markdown), with its type and extra headers. */
  | {
      readonly kind: 'text';
      readonly contentType: string;
      readonly body: string;
      readonly headers: Readonly<Record<string, string>>;
    }
  | { readonly kind: 'sent' };

export interface RequestContext {
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
}

export interface Endpoint {
  /** Query parameters the endpoint takes; others are a 400. Undefined: parameters are ignored. */
  readonly query?: readonly string[];
  run(context: RequestContext): Promise<Reply> | Reply;
}

function json(body: object, status = 200): Reply {
  return { kind: 'json', status, body };
}

/** A parameter's single value; given twice is ambiguous, so a 400. */
function single(query: URLSearchParams, name: string): string | undefined {
  const values = query.getAll(name);
  if (values.length > 1) throw collectorError('INVALID_PARAMETER', { name, reason: 'given more than once' });
  return values[0];
}

/** Longest cause id echoed back in an UNKNOWN_CAUSE message; ids are short, the path may not be. */
const MAX_ECHOED_ID_LENGTH = 64;

/** A runbook document in the format the request asked for (?format= first, then Accept). */
function runbookReply(document: RunbookDocument, { query, request }: RequestContext): Reply {
  const format = runbookFormat(single(query, 'format'), request.headers.accept);
  // Vary: the same URL answers HTML or markdown by Accept, so a cache must key on it.
  return format === 'markdown'
    ? {
        kind: 'text',
        contentType: 'text/markdown; charset=utf-8',
        body: document.markdown,
        headers: { vary: 'Accept', 'x-content-type-options': 'nosniff' },
      }
    : {
        kind: 'text',
        contentType: 'text/html; charset=utf-8',
        body: document.html,
        headers: {
          vary: 'Accept',
          'content-security-policy': RUNBOOK_PAGE_CSP,
          'x-content-type-options': 'nosniff',
        },
      };
}

/** Every route of the HTTP server. */
export function apiRouter(deps: HttpDependencies): Router<Endpoint> {
  const { state, now, assets } = deps;
  const page = makeAsset('index.html', dashboardPage(deps.version, assets.problem));
  const eventStreams: EventStreamDependencies = { ...deps.events, open: new Set() };
  return new Router<Endpoint>()
    .add('GET', '/', {
      run: ({ request, response }) => {
        sendAsset(request, response, page);
        return { kind: 'sent' };
      },
    })
    .add('GET', '/assets/:name', {
      run: ({ params, request, response }) => {
        // Looked up by exact name in what was read at start-up: "../x" or "a/b" is simply not there.
        const asset = assets.get(params.name ?? '');
        if (!asset) throw collectorError('ROUTE_NOT_FOUND', { path: `/assets/${params.name ?? ''}` });
        sendAsset(request, response, asset);
        return { kind: 'sent' };
      },
    })
    .add('GET', '/api/v1/watch', {
      query: [],
      run: ({ request, response }) => {
        new EventStreamSession(request, response, eventStreams).start();
        return { kind: 'sent' };
      },
    })
    .add('GET', '/healthz', { run: () => json({ status: 'ok' }) })
    .add('GET', '/readyz', {
      run: () => {
        const readiness = state.readiness();
        if (!readiness.ready) throw collectorError('NOT_READY', { reason: readiness.reason });
        return json({ status: 'ready' });
      },
    })
    .add('GET', '/metrics', {
      run: ({ request, response }) => {
        // 15,000 nodes are 60,000 status series: worth compressing for the scraper.
        sendMetrics(request, response, deps.registry, { gzip: true });
        return { kind: 'sent' };
      },
    })
    .add('GET', '/api/v1/nodes', {
      query: [],
      run: () => json(state.require().views.summaries().map(summaryToJson)),
    })
    .add('GET', '/api/v1/fleet', {
      query: [],
      run: () => json(fleetToJson(state.require().views.summaries())),
    })
    .add('GET', '/api/v1/nodes/:node', {
      query: [],
      run: async ({ params }) => {
        const node = nodeParameter(params.node ?? '');
        const detail = await state.require().views.detail(node);
        if (!detail) throw collectorError('NODE_NOT_FOUND', { node });
        return json(detailToJson(detail));
      },
    })
    .add('GET', '/api/v1/nodes/:node/timeline', {
      query: ['since', 'until', 'limit'],
      run: async ({ params, query }) => {
        const node = nodeParameter(params.node ?? '');
        const nowMs = now();
        const since = single(query, 'since');
        const until = single(query, 'until');
        const limit = single(query, 'limit');
        const window = timelineWindow(
          {
            sinceMs: since === undefined ? undefined : parseTimeParameter('since', since, nowMs),
            untilMs: until === undefined ? undefined : parseTimeParameter('until', until, nowMs),
            limit: limit === undefined ? undefined : parseIntegerParameter('limit', limit),
          },
          nowMs,
        );
        const points = await state
          .require()
          .views.timeline(node, window.sinceMs, window.untilMs, window.limit);
        if (!points) throw collectorError('NODE_NOT_FOUND', { node });
        return json(timelineToJson(node, points));
      },
    })
    .add('GET', '/api/v1/causes', { query: [], run: () => json(causeCatalog().map(causeInfoToJson)) })
    .add('GET', '/runbooks', {
      query: ['format'],
      run: (context) => runbookReply(deps.runbooks.index, context),
    })
    .add('GET', '/runbooks/:id', {
      query: ['format'],
      run: (context) => {
        const id = context.params.id ?? '';
        const document = deps.runbooks.get(id);
        if (!document) {
          throw collectorError('UNKNOWN_CAUSE', { cause: JSON.stringify(id.slice(0, MAX_ECHOED_ID_LENGTH)) });
        }
        return runbookReply(document, context);
      },
    });
}
