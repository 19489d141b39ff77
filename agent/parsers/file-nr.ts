import { SignalError } from '../host/read-text.js';

export interface FileHandles {
  readonly allocated: number;
  /** fs.file-max; on 64-bit kernels since 5.x often 2^63-1 ("unlimited"), kept as a float. */
  readonly max: number;
}

/** /proc/sys/fs/file-nr: "allocated  unused(always 0 since 2.6)  max". */
export function parseFileNr(source: string, text: string): FileHandles {
  const match = /^(\d+)\s+(\d+)\s+(\d+)\s*$/.exec(text);
  if (!match) throw new SignalError(`${source}: expected "ALLOCATED UNUSED MAX"`);
  const allocated = Number(match[1]);
  const max = Number(match[3]);
  if (!Number.isFinite(allocated) || !Number.isFinite(max))
    throw new SignalError(`${source}: a value out of range`);
  if (max === 0) throw new SignalError(`${source}: file-max is 0`);
  return { allocated, max };
}
