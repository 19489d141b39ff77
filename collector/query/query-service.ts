import type { ServerUnaryCall, sendUnaryData } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { QueryServiceHandlers } from '../../proto/gen/nodedoc/v1/QueryService.js';
import type { CollectorState } from '../collector-state.js';
import { causeCatalog } from '../diagnosis/cause-catalog.js';
import { collectorError } from '../errors.js';
import { checkTimestamp, FieldProblem } from '../ingest/field-checks.js';
import { toCollectorError } from '../to-collector-error.js';
import {
  causeInfoToProto,
  detailToProto,
  summaryToProto,
  timelinePointToProto,
} from '../views/proto-view.js';
import { nodeParameter } from './node-parameter.js';
import { timelineWindow } from './timeline-window.js';
import { type WatchDependencies, watchDiagnosesHandler } from './watch-diagnoses.js';

export interface QueryDependencies extends WatchDependencies {
  readonly state: CollectorState;
  readonly logger: Logger;
  readonly now: () => number;
}

/** A unary handler from an async function; errors become catalog statuses (internal ones are logged). */
function unary<Request, Response>(
  logger: Logger,
  method: string,
  run: (request: Request) => Promise<Response> | Response,
): (call: ServerUnaryCall<Request, Response>, callback: sendUnaryData<Response>) => void {
  return (call, callback) => {
    Promise.resolve()
      .then(() => run(call.request))
      .then(
        (response) => callback(null, response),
        (error: unknown) => {
          const { error: failure, internal } = toCollectorError(error);
          if (internal) logger.error({ err: error, method, peer: call.getPeer() }, 'query failed');
          callback(failure.grpc());
        },
      );
  };
}

/** A request Timestamp within the range the type documents; INVALID_PARAMETER otherwise. */
function timestampParameter(name: string, value: { seconds: string; nanos: number }): number {
  try {
    return checkTimestamp(name, value);
  } catch (error) {
    if (error instanceof FieldProblem)
      throw collectorError('INVALID_PARAMETER', { name, reason: error.reason });
    throw error;
  }
}

/** QueryService: reads for the CLI, the dashboard and other programs. */
export function queryServiceHandlers(deps: QueryDependencies): QueryServiceHandlers {
  const { state, logger, now } = deps;
  return {
    ListNodes: unary(logger, 'ListNodes', () => ({
      nodes: state.require().views.summaries().map(summaryToProto),
    })),
    GetNode: unary(logger, 'GetNode', async (request) => {
      const node = nodeParameter(request.node);
      const detail = await state.require().views.detail(node);
      if (!detail) throw collectorError('NODE_NOT_FOUND', { node });
      return detailToProto(detail);
    }),
    GetTimeline: unary(logger, 'GetTimeline', async (request) => {
      const node = nodeParameter(request.node);
      const window = timelineWindow(
        {
          sinceMs: request.since ? timestampParameter('since', request.since) : undefined,
          untilMs: request.until ? timestampParameter('until', request.until) : undefined,
          // proto3 has no "unset" for a scalar: 0 means the server's default.
          limit: request.limit === 0 ? undefined : request.limit,
        },
        now(),
      );
      const points = await state.require().views.timeline(node, window.sinceMs, window.untilMs, window.limit);
      if (!points) throw collectorError('NODE_NOT_FOUND', { node });
      return { node, points: points.map(timelinePointToProto) };
    }),
    ListCauses: unary(logger, 'ListCauses', () => ({ causes: causeCatalog().map(causeInfoToProto) })),
    WatchDiagnoses: watchDiagnosesHandler(deps),
  };
}
