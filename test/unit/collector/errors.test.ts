import { readFileSync } from 'node:fs';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import {
  CollectorError,
  collectorError,
  ERRORS,
  type ErrorCode,
  formatMessage,
  renderErrorTable,
} from '../../../collector/errors.js';
import { STREAM_END_REASONS } from '../../../collector/metrics/ingest-metrics.js';

const README = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

function readmeSection(name: string): string | undefined {
  return new RegExp(`<!-- generated:${name}:start -->\\n([\\s\\S]*?)\\n<!-- generated:${name}:end -->`).exec(
    README,
  )?.[1];
}

describe('the error catalog', () => {
  it('is documented in README.md exactly as declared (npm run docs rewrites the section)', () => {
    const documented = readmeSection('collector-errors');
    expect(documented, 'README.md has no collector-errors section').toBeDefined();
    expect(documented).toBe(renderErrorTable());
    // Every code appears in the README table once, with its statuses.
    for (const [code, spec] of Object.entries(ERRORS)) {
      expect(documented).toContain(`| \`${code}\` | ${spec.http} | \`${GrpcStatus[spec.grpc]}\` |`);
    }
  });

  it('pairs each code with an HTTP error status and a non-OK gRPC status', () => {
    for (const [code, spec] of Object.entries(ERRORS)) {
      expect(code).toMatch(/^[A-Z]+(_[A-Z]+)*$/);
      expect(spec.http, code).toBeGreaterThanOrEqual(400);
      expect(spec.http, code).toBeLessThan(600);
      expect(spec.grpc, code).not.toBe(GrpcStatus.OK);
      expect(GrpcStatus[spec.grpc], code).toBeDefined();
    }
  });

  it('fills templates by name and builds the HTTP body and gRPC status from one entry', () => {
    const error = collectorError('NODE_NOT_FOUND', { node: 'worker-7' });
    expect(error).toBeInstanceOf(CollectorError);
    expect(error.body()).toEqual({
      error: { code: 'NODE_NOT_FOUND', message: 'node worker-7 is not known to this collector' },
    });
    expect(error.httpStatus).toBe(404);
    expect(error.grpc()).toEqual({
      code: GrpcStatus.NOT_FOUND,
      details: 'node worker-7 is not known to this collector',
    });
    expect(formatMessage('{a} and {b}, not {c}', { a: 1, b: 'two' })).toBe('1 and two, not {c}');
  });

  it('names every stream-ending reason the metrics count as a catalog code', () => {
    for (const reason of STREAM_END_REASONS)
      expect(Object.keys(ERRORS)).toContain(reason satisfies ErrorCode);
  });
});
