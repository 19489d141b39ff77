/**
 * Every limit the collector enforces on what agents send, in one place. A message over any of them ends the
 * sending stream with INVALID_ARGUMENT (or RESOURCE_EXHAUSTED for MAX_MESSAGE_BYTES, enforced by grpc-js
 * before the message is even decoded) and leaves every other stream alone. The figures are generous
 * multiples of what a real agent sends (a report on a 2-core VM: ~3.4 KiB of samples JSON, a dozen signals, a
 * handful of findings) so a busy node never trips them, while one hostile client cannot make the collector
 * buffer or store megabytes per message.
 */

/** gRPC's usual default, set explicitly: the agent splits a spool replay into batches below it. */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

/** A node name is a DNS-1123 subdomain (collector/node-name.ts), which Kubernetes caps at 253 characters. */
export const MAX_NODE_NAME_LENGTH = 253;

/** Hello. A boot id is a UUID (36 characters); the rest are names and version strings. */
export const MAX_BOOT_ID_LENGTH = 64;
export const MAX_AGENT_VERSION_LENGTH = 64;
export const MAX_KERNEL_LENGTH = 256;
export const MAX_OS_LENGTH = 256;
export const MAX_CAPABILITIES = 64;
export const MAX_CAPABILITY_LENGTH = 63;
/** The agent's own lower bound on --interval. */
export const MIN_INTERVAL_MS = 100;
/** An agent reporting less often than hourly could not be told apart from a dead one in time to matter. */
export const MAX_INTERVAL_MS = 3_600_000;

/** Batch: one report per cycle, more when an agent replays its spool (bounded again by MAX_MESSAGE_BYTES). */
export const MAX_REPORTS_PER_BATCH = 1_000;
export const MAX_ACK_RTT_SECONDS = 3_600;

/** Report. */
export const MAX_FINDINGS_PER_REPORT = 256;
export const MAX_SIGNALS_PER_REPORT = 64;
export const MAX_SIGNAL_NAME_LENGTH = 63;
/** UTF-8 bytes of one finding's summary (one sentence with numbers). */
export const MAX_SUMMARY_BYTES = 1_024;
/** UTF-8 bytes of a finding's subject (a path, a DNS server, a cgroup). */
export const MAX_SUBJECT_BYTES = 1_024;
/** UTF-8 bytes of a signal's reason (why it is absent, unavailable or down). */
export const MAX_REASON_BYTES = 1_024;
/**
 * A finding's details JSON. The agent keeps them small (at most 20 OOM victims or kernel-log events, ~6 KiB);
 * the headroom is because a rejected batch is replayed and rejected again, so a limit must never bite a real agent.
 */
export const MAX_DETAILS_JSON_BYTES = 64 * 1024;
/** The full samples JSON of one report; the latest per node is kept for the API. */
export const MAX_SAMPLES_JSON_BYTES = 512 * 1024;
/** A cycle is bounded by the agent's deadline; an hour is far past anything real. */
export const MAX_SAMPLE_DURATION_SECONDS = 3_600;

/** google.protobuf.Timestamp's documented range: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z. */
export const MIN_TIMESTAMP_SECONDS = -62_135_596_800;
export const MAX_TIMESTAMP_SECONDS = 253_402_300_799;
export const MAX_NANOS = 999_999_999;
