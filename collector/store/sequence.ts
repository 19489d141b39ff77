/**
 * Sequences and epochs: uint64 on the wire, decimal strings in the NodeStore contract, compared as BigInt.
 *
 * SQLite integers are signed 64-bit. An epoch is random over the whole uint64 range and only ever compared
 * for equality, so it is stored as its two's-complement bit pattern (BigInt.asIntN). A sequence is ordered
 * and summed into gap counts, so it must stay a plain integer: sequences above 2^63-1 are refused. An agent
 * counting from 1 every second would need 292 billion years to get there.
 */
import { StoreInputError } from './store-errors.js';

export const MAX_SEQUENCE = 2n ** 63n - 1n;
const MAX_UINT64 = 2n ** 64n - 1n;
/** Canonical decimal: no sign, no leading zeros, at most 20 digits (2^64-1 has 20). */
const DECIMAL = /^(?:0|[1-9][0-9]{0,19})$/;

function parseDecimal(text: string, what: string, max: bigint): bigint {
  if (typeof text !== 'string' || !DECIMAL.test(text)) {
    throw new StoreInputError(`${what} ${JSON.stringify(text)} is not a decimal unsigned integer`);
  }
  const value = BigInt(text);
  if (value > max) throw new StoreInputError(`${what} ${text} is above the largest the store takes (${max})`);
  return value;
}

export function parseSequence(text: string): bigint {
  return parseDecimal(text, 'sequence', MAX_SEQUENCE);
}

/** Validates an epoch and returns its canonical string (the key the store compares). */
export function canonicalEpoch(text: string): string {
  return parseDecimal(text, 'epoch', MAX_UINT64).toString();
}

/** uint64 epoch (canonical decimal) -> the signed 64-bit integer stored in SQLite. */
export function epochToColumn(epoch: string): bigint {
  return BigInt.asIntN(64, BigInt(epoch));
}

/** The stored signed 64-bit integer -> the uint64 epoch as a decimal string. */
export function epochFromColumn(value: bigint): string {
  return BigInt.asUintN(64, value).toString();
}
