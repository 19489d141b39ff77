import { SignalError } from '../host/read-text.js';
import type { ConntrackCounters } from '../sample-types.js';

/**
 * /proc/net/stat/nf_conntrack, printed by ct_cpu_seq_show() in net/netfilter/nf_conntrack_standalone.c:
 * a header line of column names, then one row per *possible* CPU of "%08x" cells. Every cell except
 * `entries` is that CPU's own unsigned 32-bit counter (they wrap); `entries` is the table's entry count,
 * the same number printed again on every row.
 *
 * The header changed over the years, so columns are found by name, never by position. Spellings as they
 * appear in the kernel source (the tree named is where each was read):
 * - 16 columns, no search_restart, rows ending in a space (2.6.31):
 *   "entries  searched found new invalid ignore delete delete_list insert insert_failed drop early_drop
 *   icmp_error  expect_new expect_create expect_delete"
 * - 17 columns, search_restart appended (2.6.35.6, 2.6.39.3, 3.6): same header + " search_restart".
 * - "searched" renamed "clashres", now counting insertion clashes that were resolved (5.10.13; patch
 *   "netfilter: conntrack: proc: rename stat column", Sept 2020). 5.10 prints new, ignore, delete and
 *   delete_list as constant 0.
 * - "delete_list" replaced by "chainlength", inserts refused because a hash chain grew past 64 entries
 *   (5.15; patch "netfilter: conntrack: refuse insertion if chain has grown too large", Aug 2021):
 *   "entries  clashres found new invalid ignore delete chainlength insert insert_failed drop early_drop
 *   icmp_error  expect_new expect_create expect_delete search_restart", what 6.18 on this CI machine
 *   prints (test/fixtures/conntrack/ holds a capture).
 */

/** The kernel column behind each counter the agent reports. */
export const COUNTER_COLUMNS = {
  found: 'found',
  invalid: 'invalid',
  insert: 'insert',
  insertFailed: 'insert_failed',
  drop: 'drop',
  earlyDrop: 'early_drop',
  icmpError: 'icmp_error',
  searchRestart: 'search_restart',
  clashResolve: 'clashres',
  chainTooLong: 'chainlength',
} as const satisfies Record<keyof ConntrackCounters, string>;

export type CounterField = keyof typeof COUNTER_COLUMNS;

/** Columns every kernel since 2.6.15 prints; a header without one of them is not a file we understand. */
const REQUIRED_COLUMNS = [
  'entries',
  'found',
  'invalid',
  'insert',
  'insert_failed',
  'drop',
  'early_drop',
  'icmp_error',
] as const;

/** Counters only some kernels have (see the history above); null in the sample where the column is absent. */
const OPTIONAL_FIELDS = ['searchRestart', 'clashResolve', 'chainTooLong'] as const;

/** Kernel column names are lowercase words joined by underscores. */
const COLUMN_NAME = /^[a-z][a-z_]*$/;
/** "%08x" of an unsigned int: at most 8 hex digits, so every cell fits in 32 bits. */
const HEX_CELL = /^[0-9a-fA-F]{1,8}$/;
const UINT32_RANGE = 2 ** 32;

export interface ConntrackStat {
  /** Column names in header order, `entries` included. */
  readonly columns: readonly string[];
  /** The table's entry count, read once from the first row (every row repeats the same global value). */
  readonly entries: number;
  /** Number of CPU rows: one per possible CPU, fixed while the system runs. */
  readonly cpus: number;
  /** Each counter column's raw per-CPU cells (unsigned 32-bit), `entries` excluded. */
  readonly cells: ReadonlyMap<string, readonly number[]>;
}

function parseHeader(source: string, line: string): string[] {
  const columns = line.trim().split(/\s+/);
  if (columns[0] !== 'entries') {
    throw new SignalError(`${source}: expected a header line starting with "entries"`);
  }
  const seen = new Set<string>();
  for (const column of columns) {
    if (!COLUMN_NAME.test(column)) {
      throw new SignalError(`${source}: bad column name ${JSON.stringify(column.slice(0, 40))} in header`);
    }
    if (seen.has(column)) throw new SignalError(`${source}: column "${column}" appears twice in header`);
    seen.add(column);
  }
  const missing = REQUIRED_COLUMNS.filter((required) => !seen.has(required));
  if (missing.length > 0) {
    throw new SignalError(`${source}: header lacks ${missing.map((name) => `"${name}"`).join(', ')}`);
  }
  return columns;
}

function parseRow(source: string, line: string, rowNumber: number, width: number): number[] {
  const tokens = line.trim().split(/\s+/);
  if (tokens.length !== width) {
    throw new SignalError(`${source}: CPU row ${rowNumber} has ${tokens.length} cells, header has ${width}`);
  }
  return tokens.map((token) => {
    if (!HEX_CELL.test(token)) {
      throw new SignalError(
        `${source}: CPU row ${rowNumber}: ${JSON.stringify(token.slice(0, 20))} is not a 32-bit hex value`,
      );
    }
    return Number.parseInt(token, 16);
  });
}

export function parseConntrackStat(source: string, text: string): ConntrackStat {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const [header, ...rowLines] = lines;
  if (header === undefined) throw new SignalError(`${source}: empty file`);
  const columns = parseHeader(source, header);
  if (rowLines.length === 0) throw new SignalError(`${source}: header but no CPU rows`);
  const rows = rowLines.map((line, index) => parseRow(source, line, index + 1, columns.length));
  const cells = new Map<string, number[]>();
  columns.forEach((column, index) => {
    if (column !== 'entries')
      cells.set(
        column,
        rows.map((row) => row[index] ?? 0),
      );
  });
  // parseHeader guarantees "entries" is column 0 and parseRow that every row is full width.
  const entries = rows[0]?.[0] ?? 0;
  return { columns, entries, cpus: rows.length, cells };
}

/**
 * How much every counter column grew between two reads, summed over CPUs. Each per-CPU cell is an
 * unsigned 32-bit counter, so the difference is taken modulo 2^32 per CPU *before* summing: a cell that
 * went 0xfffffff0 -> 0x00000010 grew by 0x20. (Summing first would mix one CPU's wrap into the others.)
 *
 * Undefined when the two reads cannot be compared: a different header or number of CPU rows means the
 * file is not the same table (a different kernel under --host-root), so no delta is better than a wrong one.
 */
export function conntrackStatDeltas(
  previous: ConntrackStat,
  current: ConntrackStat,
): ReadonlyMap<string, number> | undefined {
  if (previous.cpus !== current.cpus || previous.columns.join(' ') !== current.columns.join(' ')) {
    return undefined;
  }
  const deltas = new Map<string, number>();
  for (const [column, cells] of current.cells) {
    const before = previous.cells.get(column) ?? [];
    let sum = 0;
    cells.forEach((cell, cpu) => {
      sum += (cell - (before[cpu] ?? 0) + UINT32_RANGE) % UINT32_RANGE;
    });
    deltas.set(column, sum);
  }
  return deltas;
}

/**
 * Picks the reported counters out of per-column values (deltas, or rates derived from them). Columns a
 * kernel does not print come out as null, so "0 restarts" and "this kernel cannot say" stay distinct.
 */
export function toCounters(values: ReadonlyMap<string, number>): ConntrackCounters {
  const pick = (field: CounterField): number | null => values.get(COUNTER_COLUMNS[field]) ?? null;
  const required = (field: Exclude<CounterField, (typeof OPTIONAL_FIELDS)[number]>): number =>
    pick(field) ?? 0;
  return {
    found: required('found'),
    invalid: required('invalid'),
    insert: required('insert'),
    insertFailed: required('insertFailed'),
    drop: required('drop'),
    earlyDrop: required('earlyDrop'),
    icmpError: required('icmpError'),
    searchRestart: pick('searchRestart'),
    clashResolve: pick('clashResolve'),
    chainTooLong: pick('chainTooLong'),
  };
}
