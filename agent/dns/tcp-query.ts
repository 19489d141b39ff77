import { connect } from 'node:net';
import { buildQuery, matchAnswer, rcodeOf } from './dns-query.js';
import type { ProbeQuestion } from './probe-plan.js';
import { type QueryOptions, type QueryResult, secondsSince, socketFailure } from './query-result.js';
import { settleQuery } from './query-settlement.js';
import type { ServerAddress } from './server-address.js';

/** DNS over TCP frames every message with its length as a 16-bit big-endian prefix (RFC 1035 4.2.2). */
const LENGTH_PREFIX_BYTES = 2;

/**
 * One query over a fresh TCP connection (what a client does after a truncated UDP answer, and what
 * some resolvers use always). The latency covers connect and answer, as a client experiences it.
 * Messages that do not answer our id and question are skipped; the connection is destroyed on every
 * path before the promise settles.
 */
export function queryTcp(
  address: ServerAddress,
  question: ProbeQuestion,
  options: QueryOptions,
): Promise<QueryResult> {
  return new Promise((resolve) => {
    const query = buildQuery(question);
    const prefix = Buffer.alloc(LENGTH_PREFIX_BYTES);
    prefix.writeUInt16BE(query.message.length);
    let buffered = Buffer.alloc(0);

    const start = process.hrtime.bigint();
    const socket = connect({ host: address.host, port: address.port, noDelay: true });
    const { finish } = settleQuery(options, resolve, () => socket.destroy());
    socket.on('connect', () => socket.write(Buffer.concat([prefix, query.message])));
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= LENGTH_PREFIX_BYTES) {
        const length = buffered.readUInt16BE(0);
        if (buffered.length < LENGTH_PREFIX_BYTES + length) return;
        const message = buffered.subarray(LENGTH_PREFIX_BYTES, LENGTH_PREFIX_BYTES + length);
        buffered = buffered.subarray(LENGTH_PREFIX_BYTES + length);
        const packet = matchAnswer(message, query);
        if (packet) {
          finish({
            kind: 'answer',
            rcode: rcodeOf(packet),
            latencySeconds: secondsSince(start),
            truncated: packet.flag_tc,
          });
          return;
        }
      }
    });
    socket.on('error', (error) => finish(socketFailure(error)));
    socket.on('close', () => finish({ kind: 'error', reason: 'connection closed before an answer' }));
  });
}
