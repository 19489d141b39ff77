import type { ChannelOptions } from '@grpc/grpc-js';
import { VERSION } from '../../common/version.js';
import type { LinkTuning } from './link-tuning.js';

/** The collector sends Welcome, Ack and Settings: a few dozen bytes each. */
const MAX_COLLECTOR_MESSAGE_BYTES = 64 * 1024;

/**
 * Options of the agent's one channel to the collector.
 *
 * Keepalive: an HTTP/2 PING every 20 s, and the connection is declared dead when the answer takes more
 * than 10 s. That is what notices a collector that is frozen (SIGSTOP, a hung node) or cut off without a
 * FIN or RST: the kernel keeps such a TCP connection open, and writes just queue. The link then spools
 * and reconnects.
 *
 * Why servers in other languages accept a ping every 20 s: grpc-go's server (the strictest common
 * policy) by default answers pings more frequent than its EnforcementPolicy.MinTime of 5 minutes with a
 * "strike", and after more than two strikes closes the connection with GOAWAY ENHANCE_YOUR_CALM
 * "too_many_pings" — but every DATA or HEADERS frame the server sends resets the strikes. From grpc-go,
 * internal/transport/http2_server.go (commit 004d8cb1b813b5c919f50cb4f8043a4eec302847): handlePing()
 * returns without counting a strike when `resetPingStrikes` is set, and Write() sets it in the data
 * frame's onEachWrite (writeHeaderLocked and WriteStatus do too); maxPingStrikes = 2. From
 * internal/transport/defaults.go (commit 1e98d053eb5cc75c4e9f3e5fd67efdfa07c9a827):
 * defaultKeepalivePolicyMinTime = 5 * time.Minute. The collector acknowledges every batch, i.e. sends
 * DATA once per --interval (10 s by default), so every ping follows server data and never strikes. A
 * strike needs a ping with no server data since the previous ping; three in a row (60 s without an ack)
 * would be needed for the GOAWAY, which the watchdog (three intervals without an ack) pre-empts for
 * intervals up to 20 s; and grpc-js doubles its ping period when a server sends "too_many_pings" anyway.
 * Pings are sent only while the stream is open (keepalive_permit_without_calls 0), which is always.
 */
export function linkChannelOptions(tuning: LinkTuning): ChannelOptions {
  return {
    'grpc.keepalive_time_ms': tuning.keepaliveTimeMs,
    'grpc.keepalive_timeout_ms': tuning.keepaliveTimeoutMs,
    'grpc.keepalive_permit_without_calls': 0,
    // The link runs its own jittered backoff between streams; the channel's own reconnect backoff is kept
    // to the same bounds so it never holds a recovered collector off longer than the link would.
    'grpc.initial_reconnect_backoff_ms': tuning.backoff.baseMs,
    'grpc.max_reconnect_backoff_ms': tuning.backoff.maxMs,
    // Retries would keep every message of the stream in a replay buffer; the spool is the replay buffer.
    'grpc.enable_retries': 0,
    // channelz keeps per-call bookkeeping nobody reads in the agent.
    'grpc.enable_channelz': 0,
    'grpc.max_receive_message_length': MAX_COLLECTOR_MESSAGE_BYTES,
    // Shows in the collector's logs, so an operator can tell agent versions apart.
    'grpc.primary_user_agent': `nodedoc-agent/${VERSION}`,
  };
}
