import { createSocket } from 'node:dgram';
import { buildQuery, matchAnswer, rcodeOf } from './dns-query.js';
import type { ProbeQuestion } from './probe-plan.js';
import { type QueryOptions, type QueryResult, secondsSince, socketFailure } from './query-result.js';
import { settleQuery } from './query-settlement.js';
import { type ServerAddress, udpFamily } from './server-address.js';

/**
 * One UDP query on a fresh, connected socket. Fresh: a new random source port per query, as a stub
 * resolver uses, so a conntrack entry or NAT mapping gone bad for one port does not hide or fake
 * failures for the next. Connected: the kernel delivers only datagrams from the server's address and
 * port, and reports an ICMP port-unreachable as ECONNREFUSED instead of leaving us to time out.
 * Datagrams that do not answer our id and question are ignored; we keep waiting until the deadline.
 * The socket is closed on every path before the promise settles.
 */
export function queryUdp(
  address: ServerAddress,
  question: ProbeQuestion,
  options: QueryOptions,
): Promise<QueryResult> {
  return new Promise((resolve) => {
    const query = buildQuery(question);
    const socket = createSocket(udpFamily(address.host));
    let sentAt: bigint | undefined;
    let peer: { address: string; port: number } | undefined;
    const settlement = settleQuery(options, resolve, () => {
      try {
        socket.close();
      } catch {
        // Already closed after an error: nothing left to release.
      }
    });
    // Cancelled before it began: the socket is closed already, there is nothing to send.
    if (settlement.settled) return;

    socket.on('error', (error) => settlement.finish(socketFailure(error)));
    socket.on('message', (message, remote) => {
      // The connected socket already filters by source; this also guards against a kernel that does not.
      if (sentAt === undefined || remote.address !== peer?.address || remote.port !== peer.port) return;
      const packet = matchAnswer(message, query);
      if (!packet) return;
      settlement.finish({
        kind: 'answer',
        rcode: rcodeOf(packet),
        latencySeconds: secondsSince(sentAt),
        truncated: packet.flag_tc,
      });
    });
    socket.connect(address.port, address.host, () => {
      if (settlement.settled) return;
      // The kernel's canonical form of the peer, to compare sources with (the configured host may be
      // written differently, e.g. an uncompressed IPv6 address).
      peer = socket.remoteAddress();
      sentAt = process.hrtime.bigint();
      socket.send(query.message, (error) => {
        if (error) settlement.finish(socketFailure(error));
      });
    });
  });
}
