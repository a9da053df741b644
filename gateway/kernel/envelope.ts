/** The contract's event envelope (contract.md, "Events"): what the gateway publishes and the township reads. */
import type { Category } from './categories.js';
import type { Severity } from './severity.js';

/** What a committed event is known by. */
export interface AcceptedEvent {
  /** UUIDv7, unique across gateways. */
  id: string;
  /** Per-gateway sequence number, persistent across restarts. */
  seq: number;
}

/** One event as published on `events/{category}`; field order as in contract.md. */
export interface Envelope extends AcceptedEvent {
  /** Local time with its UTC offset. */
  ts: string;
  /** Whether the gateway's clock was NTP-synced when it stamped `ts`. */
  clock: 'synced' | 'unsynced';
  gateway: string;
  device: string;
  category: Category;
  type: string;
  severity: Severity;
  data: Record<string, unknown>;
}
