/**
 * How pictures go up (issue 11, item 2): one at a time, only while the uplink is idle — every outbox
 * row (alarms, access, any event, replies, state) sent and acknowledged, which also means a picture's
 * own event went first — and no faster than the bandwidth budget. With a single picture in flight, an
 * alarm committed meanwhile is written to the link right behind it: it waits for one message at most.
 */
import { delayMs } from '../gateway/kernel/timers.js';
import type { Logger } from 'pino';
import type { SnapshotRow, SnapshotStore } from './snapshot-store.js';

/** What the lane needs of the uplink. */
export interface PictureLink {
  /** Connected, and nothing of the outbox unsent or unacknowledged. */
  idle(): boolean;
  /** Publishes on the current connection (QoS 1); `done(true)` on PUBACK, `done(false)` on a refusal. Not called back for a lost connection. */
  publish(topic: string, payload: Buffer, done: (acked: boolean) => void): void;
  /** Asks for another offer when the uplink is idle again. */
  retry(): void;
}

export class PictureLane {
  /** The picture on the wire (published, no PUBACK yet), or being read from disk. */
  private busy: SnapshotRow | null = null;
  /** Bumped by `reset`: a read that finishes after the connection changed is not published. */
  private epoch = 0;
  /** The budget: the next picture not before this time (ms). */
  private notBefore = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    /** Where the pictures wait. */
    readonly store: SnapshotStore,
    /** Bytes per second for pictures; 0: no budget. */
    private readonly bytesPerSec: number,
    private readonly log: Logger,
  ) {}

  /** Waiting pictures, in memory: the uplink asks this after events without touching SQLite. */
  get waiting(): number {
    return this.store.waiting;
  }

  /** The uplink is idle: sends the oldest waiting picture if the budget allows, else offers again later. */
  offer(link: PictureLink): void {
    if (this.busy || this.store.waiting === 0) return;
    const wait = this.notBefore - Date.now();
    if (wait > 0) {
      if (!this.timer) {
        this.timer = setTimeout(() => {
          this.timer = null;
          link.retry();
        }, delayMs(wait));
        this.timer.unref();
      }
      return;
    }
    const row = this.store.next();
    if (!row) return;
    this.busy = row;
    const epoch = this.epoch;
    void this.store.read(row).then((payload) => {
      if (epoch !== this.epoch) return;
      // A missing file was dropped (and reported); an event that arrived meanwhile goes first.
      if (!payload || !link.idle()) {
        this.busy = null;
        link.retry();
        return;
      }
      if (this.bytesPerSec > 0) this.notBefore = Date.now() + (payload.length * 1000) / this.bytesPerSec;
      link.publish(row.topic, payload, (acked) => {
        if (epoch !== this.epoch) return;
        this.busy = null;
        // A refusal (PUBACK reason code >= 0x80, e.g. a size limit or the ACL) would repeat for ever:
        // the picture is dropped and reported instead.
        if (acked) this.store.ack(row);
        else this.store.drop(row, 'refused');
        link.retry();
      });
    });
  }

  /** The connection changed: a picture in flight is sent again on the next one (its row stays). */
  reset(): void {
    this.epoch++;
    this.busy = null;
  }

  stop(): void {
    this.reset();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.log.debug({ waiting: this.store.waiting }, 'picture lane stopped');
  }
}
