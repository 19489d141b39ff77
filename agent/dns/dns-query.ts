import { randomInt } from 'node:crypto';
import { type DecodedPacket, decode, encode, RECURSION_DESIRED } from 'dns-packet';
import type { ProbeQuestion } from './probe-plan.js';

/** A query on the wire and what its answer must echo. */
export interface DnsQuery {
  readonly id: number;
  readonly question: ProbeQuestion;
  /** The DNS message without a TCP length prefix. */
  readonly message: Buffer;
}

/** Header ids are 16 bits. */
const ID_SPACE = 0x1_0000;

/**
 * A recursive query with a random id (crypto-random, so an off-path spoofer cannot guess it and a stale
 * answer to an earlier probe cannot be taken for this one).
 */
export function buildQuery(question: ProbeQuestion, id: number = randomInt(ID_SPACE)): DnsQuery {
  const message = encode({
    type: 'query',
    id,
    flags: RECURSION_DESIRED,
    questions: [{ name: question.name, type: question.type, class: 'IN' }],
  });
  return { id, question, message };
}

/** Names compare case-insensitively and without the trailing dot; the root is "." either way. */
export function normalizeName(name: string): string {
  const trimmed = name.toLowerCase().replace(/\.$/, '');
  return trimmed === '' ? '.' : trimmed;
}

/**
 * The decoded answer if `message` answers `query`: a response (QR set) with the same id and exactly our
 * question (name, type, class IN). Anything else (garbage, a late answer to an earlier probe, another
 * query's answer) is undefined, and the caller keeps waiting for the real one until its deadline.
 */
export function matchAnswer(message: Buffer, query: DnsQuery): DecodedPacket | undefined {
  let packet: DecodedPacket;
  try {
    packet = decode(message);
  } catch {
    return undefined;
  }
  if (!packet.flag_qr || packet.id !== query.id) return undefined;
  const questions = packet.questions ?? [];
  const [question] = questions;
  if (questions.length !== 1 || !question) return undefined;
  const sameName = normalizeName(question.name) === normalizeName(query.question.name);
  const sameClass = question.class === undefined || question.class === 'IN';
  return sameName && question.type === query.question.type && sameClass ? packet : undefined;
}

/** The response code of a decoded answer ("NOERROR", "NXDOMAIN", …); dns-packet's types omit the field. */
export function rcodeOf(packet: DecodedPacket): string {
  const { rcode } = packet as DecodedPacket & { rcode?: unknown };
  return typeof rcode === 'string' ? rcode : 'UNKNOWN';
}
