// Original file: nodedoc/v1/query_service.proto

import type { Long } from '@grpc/proto-loader';

/**
 * How the collector's ingest of one node went.
 */
export interface IngestStats {
  /**
   * Reports stored.
   */
  'received'?: (number | string | Long);
  /**
   * Highest sequence stored in the current epoch.
   */
  'lastSeq'?: (number | string | Long);
  /**
   * Sequences that never arrived (dropped by a full agent spool, or lost before it).
   */
  'gaps'?: (number | string | Long);
  /**
   * Reports received again after they were stored (replays), not stored twice.
   */
  'duplicates'?: (number | string | Long);
}

/**
 * How the collector's ingest of one node went.
 */
export interface IngestStats__Output {
  /**
   * Reports stored.
   */
  'received': (string);
  /**
   * Highest sequence stored in the current epoch.
   */
  'lastSeq': (string);
  /**
   * Sequences that never arrived (dropped by a full agent spool, or lost before it).
   */
  'gaps': (string);
  /**
   * Reports received again after they were stored (replays), not stored twice.
   */
  'duplicates': (string);
}
