/**
 * The outcome of sampling one signal. Every signal in the JSON document and on the wire has a `status`,
 * so a reader of the output can tell "this node has no conntrack" from "we could not read conntrack".
 */

/** Read successfully; the signal's fields follow. */
export type Ok<T> = { readonly status: 'ok' } & T;

/** The thing is not on this host (no kubelet on a laptop, conntrack not loaded): not a fault. */
export interface Absent {
  readonly status: 'absent';
  readonly reason: string;
}

/** We could not read it (missing or malformed file, timeout): the signal is unknown this cycle. */
export interface Unavailable {
  readonly status: 'unavailable';
  readonly reason: string;
}

/** An endpoint that exists (configured, or seen before) and does not answer correctly. */
export type Down<T = unknown> = { readonly status: 'down'; readonly reason: string } & Partial<T>;

export type Reading<T> = Ok<T> | Absent | Unavailable;
export type ProbeReading<T> = Ok<T> | Down<T> | Absent | Unavailable;

export function ok<T extends object>(fields: T): Ok<T> {
  return { status: 'ok', ...fields };
}

export function absent(reason: string): Absent {
  return { status: 'absent', reason };
}

export function unavailable(reason: string): Unavailable {
  return { status: 'unavailable', reason };
}

export function isOk<T>(reading: Reading<T> | ProbeReading<T>): reading is Ok<T> {
  return reading.status === 'ok';
}
