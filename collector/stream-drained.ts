import type { EventEmitter } from 'node:events';

/**
 * Resolves once a stream whose write() returned false can take more ('drain'), or once it ends (`endEvent`:
 * 'close' for an HTTP response, 'cancelled' for a gRPC call) and never will; both listeners are removed either way.
 */
export function drainedOrEnded(stream: EventEmitter, endEvent: string): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off(endEvent, done);
      resolve();
    };
    stream.on('drain', done);
    stream.on(endEvent, done);
  });
}
