import { randomBytes } from 'node:crypto';

const EPOCH_BYTES = 8;

/**
 * A fresh sequence space: a random uint64 as a decimal string, never 0 (proto3's "not set"). 64 random
 * bits make two spools of one node choosing the same epoch practically impossible.
 */
export function newEpoch(random: (size: number) => Buffer = randomBytes): string {
  for (;;) {
    const epoch = random(EPOCH_BYTES).readBigUInt64BE(0);
    if (epoch !== 0n) return epoch.toString();
  }
}
