import type { Registry } from 'prom-client';
import type { AgentConfig } from '../config/agent-config.js';
import type { CycleBoard } from '../cycle-board.js';
import type { Inventory } from '../inventory.js';

/** What a metrics module may read. Each module registers its own families on `registry`. */
export interface MetricsContext {
  readonly registry: Registry;
  readonly board: CycleBoard;
  readonly config: AgentConfig;
  readonly inventory: Inventory;
}
