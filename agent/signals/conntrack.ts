import { readlink } from 'node:fs/promises';
import type { HostPaths } from '../host/host-paths.js';
import { parseSingleInteger, readTextIfExists, SignalError } from '../host/read-text.js';
import {
  type ConntrackStat,
  conntrackStatDeltas,
  parseConntrackStat,
  toCounters,
} from '../parsers/conntrack-stat.js';
import { absent, ok } from '../reading.js';
import type { ConntrackCounters } from '../sample-types.js';
import type { Signal, SignalContext } from './signal.js';

/**
 * Both sysctls and the stat file are per network namespace: procfs answers for the namespace of the
 * process reading them, which is why the agent runs with hostNetwork.
 */
const COUNT_FILE = 'sys/net/netfilter/nf_conntrack_count';
/**
 * The limit is one global value. net/netfilter/ has it in every namespace (read-only outside the initial
 * one on current kernels); the older net/nf_conntrack_max alias exists only in the initial namespace.
 */
const MAX_FILES = ['sys/net/netfilter/nf_conntrack_max', 'sys/net/nf_conntrack_max'] as const;
const STAT_FILE = 'net/stat/nf_conntrack';
/** The reader's own namespace, the one the files above answer for. */
const NETNS_LINK = 'self/ns/net';
const NETNS_TARGET = /^net:\[(\d+)\]$/;
const NANOSECONDS_PER_SECOND = 1e9;

async function readMax(paths: HostPaths): Promise<number> {
  for (const file of MAX_FILES) {
    const path = paths.proc(file);
    const text = await readTextIfExists(path);
    if (text !== undefined) return parseSingleInteger(path, text);
  }
  throw new SignalError(`${paths.proc(MAX_FILES[0])}: no such file, though nf_conntrack_count exists`);
}

/** The namespace inode is a refinement for matching kernel-log lines: unreadable is null, not an error. */
async function readNetnsInode(paths: HostPaths): Promise<number | null> {
  try {
    const match = NETNS_TARGET.exec(await readlink(paths.proc(NETNS_LINK)));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

function perSecond(deltas: ReadonlyMap<string, number>, seconds: number): Map<string, number> {
  return new Map([...deltas].map(([column, delta]) => [column, delta / seconds]));
}

interface StatRead {
  readonly stat: ConntrackStat;
  /** process.hrtime.bigint() right after the read: rates use monotonic time, not the wall clock. */
  readonly atNs: bigint;
}

interface Movement {
  readonly intervalSeconds: number | null;
  readonly deltas: ConntrackCounters | null;
  readonly ratesPerSecond: ConntrackCounters | null;
}

const NO_MOVEMENT: Movement = { intervalSeconds: null, deltas: null, ratesPerSecond: null };

function movement(previous: StatRead | undefined, current: StatRead | undefined): Movement {
  if (!previous || !current) return NO_MOVEMENT;
  const deltas = conntrackStatDeltas(previous.stat, current.stat);
  const seconds = Number(current.atNs - previous.atNs) / NANOSECONDS_PER_SECOND;
  if (!deltas || seconds <= 0) return NO_MOVEMENT;
  return {
    intervalSeconds: seconds,
    deltas: toCounters(deltas),
    ratesPerSecond: toCounters(perSecond(deltas, seconds)),
  };
}

/**
 * nf_conntrack_count against nf_conntrack_max, and the per-CPU counters of /proc/net/stat/nf_conntrack
 * as wrap-safe deltas and rates between samples. No nf_conntrack_count means the nf_conntrack module is
 * not loaded, so nothing on the node is tracked: absent, not an error.
 */
export function createConntrackSignal({ paths }: SignalContext): Signal<'conntrack'> {
  let previous: StatRead | undefined;
  /** Inode of the agent's network namespace once read (null: could not be read, try again). */
  let netns: number | null | undefined;
  return {
    name: 'conntrack',
    async sample() {
      const countPath = paths.proc(COUNT_FILE);
      const countText = await readTextIfExists(countPath);
      if (countText === undefined) {
        previous = undefined;
        return absent(`conntrack not in use: ${countPath} does not exist`);
      }
      const entries = parseSingleInteger(countPath, countText);
      const statPath = paths.proc(STAT_FILE);
      const [max, statText, netnsInode] = await Promise.all([
        readMax(paths),
        readTextIfExists(statPath),
        // The agent's network namespace never changes while it runs: read it once it is known.
        netns === undefined || netns === null ? readNetnsInode(paths) : netns,
      ]);
      netns = netnsInode;
      const atNs = process.hrtime.bigint();
      const current =
        statText === undefined ? undefined : { stat: parseConntrackStat(statPath, statText), atNs };
      const moved = movement(previous, current);
      previous = current;
      return ok({
        entries,
        max,
        utilizationRatio: max > 0 ? entries / max : null,
        cpus: current?.stat.cpus ?? null,
        ...moved,
        netnsInode,
      });
    },
  };
}
