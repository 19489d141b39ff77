import { CollectorError, collectorError } from './errors.js';
import { EpochMismatchError, StoreClosedError, StoreError, StoreInputError } from './store/store-errors.js';

/**
 * Any error a handler meets, as a catalog error: catalog errors pass through, the store's typed errors map as
 * store-errors.ts describes, and anything else is INTERNAL. `internal` is true when the cause is a fault on
 * this side (the store failed, a bug), which the caller logs with the error itself.
 */
export function toCollectorError(error: unknown): { error: CollectorError; internal: boolean } {
  if (error instanceof CollectorError) return { error, internal: false };
  if (error instanceof EpochMismatchError) {
    return {
      error: collectorError('EPOCH_CHANGED', { epoch: error.epoch, node: error.node }),
      internal: false,
    };
  }
  if (error instanceof StoreInputError) {
    return {
      error: collectorError('INVALID_PARAMETER', { name: 'input', reason: error.message }),
      internal: false,
    };
  }
  if (error instanceof StoreClosedError)
    return { error: collectorError('SHUTTING_DOWN', {}), internal: false };
  if (error instanceof StoreError)
    return { error: collectorError('INTERNAL', { what: 'the store failed' }), internal: true };
  return { error: collectorError('INTERNAL', { what: 'unexpected error' }), internal: true };
}
