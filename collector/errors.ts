/**
 * The collector's one error catalog (in the style of fastify's error codes): every error a client can get
 * from the HTTP/JSON API or from gRPC is declared here once, with its stable code, its HTTP status, its gRPC
 * status and a message template. HTTP bodies are `{"error": {"code", "message"}}`; gRPC statuses carry the
 * same message as `details`. README.md's "Errors" section is generated from this table (npm run docs) and a
 * test keeps the two in step.
 *
 * Templates name their parameters in braces ("node {node} is not known"); `collectorError` type-checks them.
 */
import { status as GrpcStatus } from '@grpc/grpc-js';
import { markdownCell } from '../common/cli/usage.js';

interface ErrorSpec {
  /** HTTP status of the JSON error body. */
  readonly http: number;
  /** gRPC status code of the same error on the gRPC API. */
  readonly grpc: GrpcStatus;
  readonly message: string;
}

/** `satisfies` keeps each template's literal type, from which the parameter names are derived. */
export const ERRORS = {
  ROUTE_NOT_FOUND: {
    http: 404,
    grpc: GrpcStatus.UNIMPLEMENTED,
    message: 'no such path: {path} (the API is under /api/v1)',
  },
  METHOD_NOT_ALLOWED: {
    http: 405,
    grpc: GrpcStatus.UNIMPLEMENTED,
    message: '{method} is not allowed on {path}; allowed: {allowed}',
  },
  NODE_NOT_FOUND: {
    http: 404,
    grpc: GrpcStatus.NOT_FOUND,
    message: 'node {node} is not known to this collector',
  },
  UNKNOWN_CAUSE: {
    http: 404,
    grpc: GrpcStatus.NOT_FOUND,
    message: 'no cause {cause}; GET /api/v1/causes lists the cause ids, /runbooks their runbooks',
  },
  INVALID_PARAMETER: {
    http: 400,
    grpc: GrpcStatus.INVALID_ARGUMENT,
    message: 'invalid {name}: {reason}',
  },
  UNKNOWN_PARAMETER: {
    http: 400,
    grpc: GrpcStatus.INVALID_ARGUMENT,
    message: 'unknown parameter {name}; this path takes {allowed}',
  },
  EMPTY_TIME_RANGE: {
    http: 400,
    grpc: GrpcStatus.INVALID_ARGUMENT,
    message: 'since ({since}) must be before until ({until})',
  },
  NOT_READY: {
    http: 503,
    grpc: GrpcStatus.UNAVAILABLE,
    message: 'not ready: {reason}',
  },
  TOO_MANY_WATCHERS: {
    http: 503,
    grpc: GrpcStatus.RESOURCE_EXHAUSTED,
    message: 'already {open} event streams open (the limit); poll /api/v1/nodes instead or retry later',
  },
  SHUTTING_DOWN: {
    http: 503,
    grpc: GrpcStatus.UNAVAILABLE,
    message: 'the collector is shutting down; reconnect and resend what was not acknowledged',
  },
  INTERNAL: {
    http: 500,
    grpc: GrpcStatus.INTERNAL,
    message: 'internal error ({what}); the collector log has the details',
  },
  HELLO_REQUIRED: {
    http: 400,
    grpc: GrpcStatus.INVALID_ARGUMENT,
    message: 'the first message of a Report stream must be a hello, not {got}',
  },
  UNEXPECTED_HELLO: {
    http: 400,
    grpc: GrpcStatus.INVALID_ARGUMENT,
    message: 'a hello may only be the first message of a Report stream',
  },
  EMPTY_MESSAGE: {
    http: 400,
    grpc: GrpcStatus.INVALID_ARGUMENT,
    message: 'message has no body (neither hello nor batch)',
  },
  INVALID_HELLO: {
    http: 400,
    grpc: GrpcStatus.INVALID_ARGUMENT,
    message: 'invalid hello: {field}: {reason}',
  },
  INVALID_BATCH: {
    http: 400,
    grpc: GrpcStatus.INVALID_ARGUMENT,
    message: 'invalid batch: {field}: {reason}',
  },
  NODE_IDENTITY_MISMATCH: {
    http: 403,
    grpc: GrpcStatus.PERMISSION_DENIED,
    message: 'hello names node {claimed} but the client certificate is for {identity}',
  },
  NO_CERTIFICATE_IDENTITY: {
    http: 403,
    grpc: GrpcStatus.PERMISSION_DENIED,
    message: 'the client certificate names no node: neither its CN nor a DNS SAN is a DNS-1123 subdomain',
  },
  STREAM_SUPERSEDED: {
    http: 409,
    grpc: GrpcStatus.ABORTED,
    message: 'a newer stream from node {node} replaced this one',
  },
  EPOCH_CHANGED: {
    http: 409,
    grpc: GrpcStatus.FAILED_PRECONDITION,
    message: 'epoch {epoch} is no longer the current one of node {node}; say hello again',
  },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

type Placeholders<T extends string> = T extends `${string}{${infer Name}}${infer Rest}`
  ? Name | Placeholders<Rest>
  : never;
/** The parameters a code's template names, each required. */
export type ErrorParams<C extends ErrorCode> = Record<
  Placeholders<(typeof ERRORS)[C]['message']>,
  string | number
>;

/** The JSON body of every HTTP error. */
export interface ErrorBody {
  readonly error: { readonly code: ErrorCode; readonly message: string };
}

/** An error from the catalog, ready to become an HTTP body or a gRPC status. */
export class CollectorError extends Error {
  override readonly name = 'CollectorError';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }

  get httpStatus(): number {
    return ERRORS[this.code].http;
  }

  get grpcStatus(): GrpcStatus {
    return ERRORS[this.code].grpc;
  }

  body(): ErrorBody {
    return { error: { code: this.code, message: this.message } };
  }

  /** The shape grpc-js turns into a status (callback(error) or call.emit('error', …)). */
  grpc(): { code: GrpcStatus; details: string } {
    return { code: this.grpcStatus, details: this.message };
  }
}

/** Fills a template: "{node}" becomes params.node. */
export function formatMessage(template: string, params: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

export function collectorError<C extends ErrorCode>(code: C, params: ErrorParams<C>): CollectorError {
  return new CollectorError(code, formatMessage(ERRORS[code].message, params));
}

/** The README's error reference: one row per code. */
export function renderErrorTable(): string {
  const rows = Object.entries(ERRORS).map(
    ([code, spec]) =>
      `| \`${code}\` | ${spec.http} | \`${GrpcStatus[spec.grpc]}\` | ${markdownCell(spec.message)} |`,
  );
  return ['| code | HTTP | gRPC | message |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
