import { StoreError } from './store-errors.js';

/** The primary result codes we can say something useful about; extended codes (SQLITE_IOERR_WRITE) map by prefix. */
const REASONS: ReadonlyArray<readonly [prefix: string, reason: string]> = [
  ['SQLITE_NOTADB', 'not a SQLite database'],
  ['SQLITE_CORRUPT', 'the database file is corrupt'],
  ['SQLITE_BUSY', 'locked by another process (is another collector using this data directory?)'],
  ['SQLITE_LOCKED', 'locked by another connection'],
  ['SQLITE_CANTOPEN', 'cannot open the database file (does the directory exist, is it writable?)'],
  ['SQLITE_READONLY', 'the database file is read-only'],
  ['SQLITE_FULL', 'disk full'],
  ['SQLITE_IOERR', 'I/O error'],
  ['SQLITE_PERM', 'permission denied'],
];

/** The SQLite result code of a better-sqlite3 error ("SQLITE_BUSY"), or undefined for anything else. */
export function sqliteCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

/**
 * Wraps whatever SQLite (or the file system) threw into a StoreError naming the file: "…/nodedoc.db: disk
 * full (SQLITE_FULL)". `doing` says what was attempted, for errors without a known code.
 */
export function toStoreError(path: string, doing: string, error: unknown): StoreError {
  if (error instanceof StoreError) return error;
  const code = sqliteCode(error);
  const known = code ? REASONS.find(([prefix]) => code.startsWith(prefix)) : undefined;
  const message = error instanceof Error ? error.message : String(error);
  const reason = known ? `${known[1]} (${code})` : `${doing} failed: ${message}${code ? ` (${code})` : ''}`;
  return new StoreError(path, reason, { cause: error });
}
