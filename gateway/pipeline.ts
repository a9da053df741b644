/**
 * The event pipeline: decides an event's severity and publishes it on the bus (event-bus.ts), whose
 * durable store is `commit` here: the contract's envelope (UUIDv7 id, persistent seq,
 * local ts with offset, clock state, severity from the type) and hands it to the outbox. `emit`
 * resolves when the event is committed to disk — the moment a device may be acknowledged.
 */
import type { Logger } from 'pino';
import { uuidV7 } from './kernel/uuid-v7.js';
import type { Outbox } from '../cloud-bridge/outbox.js';
import type { TownshipTopics } from './kernel/topics.js';
import type { Clock } from './kernel/clock.js';
import { isoLocal } from './kernel/clock.js';
import type { AcceptedEvent, Envelope } from './kernel/envelope.js';
import type { Config } from './config/schema.js';
import type { Category } from './kernel/categories.js';
import type { Severity } from './kernel/severity.js';
import { PRIO_BY_SEVERITY } from './kernel/severity.js';
import { severityOf } from './severity.js';
import { EventBus, type BusEvent } from './event-bus.js';

export type { AcceptedEvent, Envelope };

export interface EventDraft {
  device: string;
  category: Category;
  type: string;
  data: Record<string, unknown>;
  /** Overrides the configured type → severity map (system events choose their own). */
  severity?: Severity;
  /** Chosen before the commit when something is named by it (a picture's file and topic, issue 11). */
  id?: string | undefined;
  /** Runs in the event's transaction (see OutboxItem.alongside). */
  alongside?: ((seq: number | null) => void) | undefined;
}

export interface PipelineDeps {
  config: Config;
  outbox: Outbox;
  clock: Clock;
  topics: TownshipTopics;
  log: Logger;
}

export class Pipeline {
  private devices;
  acceptedTotal = 0;

  /** Where accepted events go: the outbox (durable) and the named observers. */
  readonly bus: EventBus;
  /** Told of each event once it is committed (gateway/event-counts.ts); a throw is logged, never the commit's. */
  private readonly acceptedListeners: ((event: BusEvent) => void)[] = [];

  constructor(private deps: PipelineDeps) {
    this.devices = new Map(deps.config.devices.map((d) => [d.id, d]));
    this.bus = new EventBus(deps.log.child({ component: 'bus' }));
    this.bus.storeIn('outbox', (e) => this.commit(e));
  }

  /** Takes a reloaded config's devices and severity maps (gateway/reload.ts; the gateway section never changes). */
  reconfigure(config: PipelineDeps['config']): void {
    this.deps = { ...this.deps, config };
    this.devices = new Map(config.devices.map((d) => [d.id, d]));
  }

  /** Decides the event's severity and publishes it on the bus; resolves once it is on disk. */
  emit(draft: EventDraft): Promise<AcceptedEvent> {
    return this.bus.publish({ device: draft.device, category: draft.category, type: draft.type, severity: this.severityOf(draft), data: draft.data, id: draft.id, alongside: draft.alongside });
  }

  /** The bus's durable store: builds the envelope and commits it to the outbox. */
  private async commit(draft: BusEvent): Promise<AcceptedEvent> {
    const { config, clock, topics } = this.deps;
    const severity = draft.severity;
    const id = draft.id ?? uuidV7();
    const now = clock.now();
    let seq = 0;
    await this.deps.outbox.add({
      kind: 'event',
      prio: PRIO_BY_SEVERITY[severity],
      topic: topics.event(draft.category),
      qos: 1,
      retain: false,
      alongside: draft.alongside,
      payload: (s) => {
        seq = s;
        return this.render({ id, seq: s, ts: isoLocal(now), clock: clock.synced() ? 'synced' : 'unsynced', gateway: config.gateway.id, device: draft.device, category: draft.category, type: draft.type, severity, data: draft.data });
      },
    });
    this.acceptedTotal++;
    for (const listener of this.acceptedListeners) {
      try {
        listener(draft);
      } catch (err) {
        this.deps.log.error({ err, type: draft.type, device: draft.device }, 'accepted-event listener failed');
      }
    }
    return { id, seq };
  }

  /** Adds a listener told of each committed event, in the commit's turn; returns the function that removes it. */
  onAccepted(listener: (event: BusEvent) => void): () => void {
    this.acceptedListeners.push(listener);
    return () => void this.acceptedListeners.splice(this.acceptedListeners.indexOf(listener), 1);
  }

  /** The severity `emit` gives a draft: its own, else the configured type → severity maps. */
  severityOf(draft: EventDraft): Severity {
    return draft.severity ?? severityOf(draft.type, this.devices.get(draft.device), this.deps.config.severity);
  }

  /** A gateway-originated `system` event (device = the gateway id). */
  system(type: string, severity: Severity, data: Record<string, unknown>): Promise<AcceptedEvent> {
    return this.emit({ device: this.deps.config.gateway.id, category: 'system', type, severity, data });
  }

  /** Envelope for an eviction report, built inside the outbox's own transaction. */
  evictionReport(seq: number, data: object): { topic: string; payload: Buffer } {
    return this.systemReport(seq, 'system.outbox.evicted', 'major', { ...data });
  }

  /** Envelope for a `system` event the outbox writes itself, with the seq it gives. */
  systemReport(seq: number, type: string, severity: Severity, data: Record<string, unknown>): { topic: string; payload: Buffer } {
    const { config, clock, topics } = this.deps;
    const payload = this.render({ id: uuidV7(), seq, ts: isoLocal(clock.now()), clock: clock.synced() ? 'synced' : 'unsynced', gateway: config.gateway.id, device: config.gateway.id, category: 'system', type, severity, data });
    return { topic: topics.event('system'), payload };
  }

  /**
   * A `system` event that cannot be stored (the database is gone) but is published once, best effort;
   * its seq comes from the lease, so no later event reuses it.
   */
  unstoredSystem(type: string, severity: Severity, data: Record<string, unknown>): { topic: string; payload: Buffer } {
    const { config, clock, topics, outbox } = this.deps;
    const payload = this.render({ id: uuidV7(), seq: outbox.takeUnstoredSeq(), ts: isoLocal(clock.now()), clock: clock.synced() ? 'synced' : 'unsynced', gateway: config.gateway.id, device: config.gateway.id, category: 'system', type, severity, data });
    return { topic: topics.event('system'), payload };
  }

  private render(env: Envelope): Buffer {
    // Field order as in contract.md, so people reading raw messages find them where documented.
    return Buffer.from(JSON.stringify(env));
  }
}
