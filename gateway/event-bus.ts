/**
 * The event bus after the pipeline (issue 9): every accepted event goes to one durable store (the
 * outbox) and to the named observers (local reactions; later the OPC UA server). `publish` resolves when
 * the store has committed — only then may a device be acknowledged (PUBACK after commit). Observers are
 * called in the same turn, before the commit, so a siren never waits for the disk; an observer that
 * throws is logged and the others still run (style rule 3).
 */
import type { Logger } from 'pino';
import type { AcceptedEvent } from './kernel/envelope.js';
import type { Category } from './kernel/categories.js';
import type { Severity } from './kernel/severity.js';

/** An event on the bus: what the pipeline accepted, its severity decided. */
export interface BusEvent {
  device: string;
  category: Category;
  type: string;
  severity: Severity;
  data: Record<string, unknown>;
  /** The event's id when chosen before the commit (its picture is named by it, issue 11); else the store picks one. */
  id?: string | undefined;
  /** Runs in the event's own transaction (its picture's row): committed with it or not at all. */
  alongside?: ((seq: number | null) => void) | undefined;
}

/** What an observer is given: the event, and the commit it may wait for (it must handle a rejection). */
export type BusObserver = (event: BusEvent, committed: Promise<AcceptedEvent>) => void;

export class EventBus {
  private store: { name: string; commit(event: BusEvent): Promise<AcceptedEvent> } | null = null;
  private readonly observers = new Map<string, BusObserver>();

  constructor(private readonly log: Logger) {}

  /** Names the durable store; `publish` resolves with its commit. */
  storeIn(name: string, commit: (event: BusEvent) => Promise<AcceptedEvent>): void {
    this.store = { name, commit };
  }

  /** Adds an observer by name; returns the function that removes it. */
  subscribe(name: string, observer: BusObserver): () => void {
    if (this.observers.has(name)) throw new Error(`event bus: "${name}" is already subscribed`);
    this.observers.set(name, observer);
    return () => void this.observers.delete(name);
  }

  /** Names of the store and the observers, in call order (for logs and tests). */
  get subscribers(): string[] {
    return [...(this.store ? [this.store.name] : []), ...this.observers.keys()];
  }

  /** Commits `event` and hands it to every observer; resolves once it is on disk. */
  publish(event: BusEvent): Promise<AcceptedEvent> {
    if (!this.store) throw new Error('event bus has no store');
    const committed = this.store.commit(event);
    for (const [name, observer] of this.observers) {
      try {
        observer(event, committed);
      } catch (err) {
        this.log.error({ err, subscriber: name, type: event.type, device: event.device }, 'event bus subscriber failed');
      }
    }
    return committed;
  }
}
