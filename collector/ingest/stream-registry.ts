/** What the registry asks of a Report stream. */
export interface RegisteredStream {
  /** A newer stream said hello for the same node: end this one (ABORTED). */
  supersede(): void;
  /** Shutdown: finish the batch in hand, then end with UNAVAILABLE. Resolves once ended. */
  drain(): Promise<void>;
}

/**
 * The open Report streams: all of them (for shutdown) and the current one per node. One stream per node at
 * a time keeps a node's batches in order: an agent that reconnects before the collector noticed its old
 * connection die replaces it instead of interleaving with it.
 */
export class StreamRegistry<S extends RegisteredStream = RegisteredStream> {
  private readonly all = new Set<S>();
  private readonly byNode = new Map<string, S>();

  opened(stream: S): void {
    this.all.add(stream);
  }

  /** Makes `stream` the node's current one, superseding the previous. */
  claim(node: string, stream: S): void {
    const previous = this.byNode.get(node);
    this.byNode.set(node, stream);
    if (previous !== undefined && previous !== stream) previous.supersede();
  }

  closed(stream: S, node: string | undefined): void {
    this.all.delete(stream);
    if (node !== undefined && this.byNode.get(node) === stream) this.byNode.delete(node);
  }

  get size(): number {
    return this.all.size;
  }

  async drainAll(): Promise<void> {
    await Promise.all([...this.all].map((stream) => stream.drain()));
  }
}
