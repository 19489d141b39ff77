// Original file: nodedoc/v1/report.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';
import type { Finding as _nodedoc_v1_Finding, Finding__Output as _nodedoc_v1_Finding__Output } from '../../nodedoc/v1/Finding.js';
import type { SignalReading as _nodedoc_v1_SignalReading, SignalReading__Output as _nodedoc_v1_SignalReading__Output } from '../../nodedoc/v1/SignalReading.js';
import type { Vitals as _nodedoc_v1_Vitals, Vitals__Output as _nodedoc_v1_Vitals__Output } from '../../nodedoc/v1/Vitals.js';
import type { Long } from '@grpc/proto-loader';

/**
 * One sampling cycle of one node.
 */
export interface Report {
  /**
   * Per-agent sequence number, strictly increasing within an epoch (see Hello.epoch) and never reused:
   * the collector stores each (node, epoch, sequence) once and counts a jump as a gap.
   */
  'sequence'?: (number | string | Long);
  /**
   * When the cycle was sampled, by the agent's clock.
   */
  'sampledAt'?: (_google_protobuf_Timestamp | null);
  /**
   * The node's boot id when sampled (a change between reports is a reboot).
   */
  'bootId'?: (string);
  'findings'?: (_nodedoc_v1_Finding)[];
  'signals'?: (_nodedoc_v1_SignalReading)[];
  'vitals'?: (_nodedoc_v1_Vitals | null);
  /**
   * The agent's full `samples` object as JSON (the schema of `nodedoc-agent --once --json`). The collector
   * keeps the latest per node for the API; it is not parsed on the ingest path.
   */
  'samplesJson'?: (string);
  /**
   * How long sampling took.
   */
  'sampleDurationSeconds'?: (number | string);
}

/**
 * One sampling cycle of one node.
 */
export interface Report__Output {
  /**
   * Per-agent sequence number, strictly increasing within an epoch (see Hello.epoch) and never reused:
   * the collector stores each (node, epoch, sequence) once and counts a jump as a gap.
   */
  'sequence': (string);
  /**
   * When the cycle was sampled, by the agent's clock.
   */
  'sampledAt': (_google_protobuf_Timestamp__Output | null);
  /**
   * The node's boot id when sampled (a change between reports is a reboot).
   */
  'bootId': (string);
  'findings': (_nodedoc_v1_Finding__Output)[];
  'signals': (_nodedoc_v1_SignalReading__Output)[];
  'vitals': (_nodedoc_v1_Vitals__Output | null);
  /**
   * The agent's full `samples` object as JSON (the schema of `nodedoc-agent --once --json`). The collector
   * keeps the latest per node for the API; it is not parsed on the ingest path.
   */
  'samplesJson': (string);
  /**
   * How long sampling took.
   */
  'sampleDurationSeconds': (number);
}
