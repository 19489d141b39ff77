import { parseSingleInteger, readText } from '../host/read-text.js';
import { parseFileNr } from '../parsers/file-nr.js';
import { parseLoadAvg } from '../parsers/loadavg.js';
import { ok } from '../reading.js';
import type { Signal, SignalContext } from './signal.js';

/** Thread count against pid_max and threads-max, and file handles against fs.file-max. */
export function createProcessesSignal({ paths }: SignalContext): Signal<'processes'> {
  return {
    name: 'processes',
    async sample() {
      const files = {
        loadavg: paths.proc('loadavg'),
        pidMax: paths.proc('sys/kernel/pid_max'),
        threadsMax: paths.proc('sys/kernel/threads-max'),
        fileNr: paths.proc('sys/fs/file-nr'),
      };
      const [loadText, pidMaxText, threadsMaxText, fileNrText] = await Promise.all([
        readText(files.loadavg),
        readText(files.pidMax),
        readText(files.threadsMax),
        readText(files.fileNr),
      ]);
      const { threads } = parseLoadAvg(files.loadavg, loadText);
      const pidMax = parseSingleInteger(files.pidMax, pidMaxText);
      const threadsMax = parseSingleInteger(files.threadsMax, threadsMaxText);
      const handles = parseFileNr(files.fileNr, fileNrText);
      // Whichever limit is lower bites first: fork() fails with EAGAIN at either.
      const limit = Math.max(Math.min(pidMax, threadsMax), 1);
      return ok({
        threads,
        pidMax,
        threadsMax,
        threadsRatio: threads / limit,
        fileHandlesAllocated: handles.allocated,
        fileHandlesMax: handles.max,
        fileHandlesRatio: handles.allocated / handles.max,
      });
    },
  };
}
