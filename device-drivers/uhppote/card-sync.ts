/**
 * Keeps a controller's card list equal to the whitelist's cards for its doors (put-card 0x50 is an
 * upsert, delete-card 0x52), so the controller decides by itself with the gateway off. What was pushed
 * is kept in the driver's storage, so a restart sends only the changes. A controller holds one validity
 * range per card: a card valid at several of its doors gets the widest of their ranges.
 */
import type { Logger } from 'pino';
import type { AccessControl } from '../access.js';
import type { DeviceStorage } from '../storage.js';
import { writeDate } from './bcd.js';
import type { UhppoteConfig } from './config.js';
import { FN, request } from './frames.js';

const PUSHED_KEY = 'cards';
/** A progress line every this many cards (a full list can be thousands). */
const PROGRESS_EVERY = 500;

interface Entry {
  from: string;
  to: string;
  doors: [number, number, number, number];
}

export interface CardSyncOptions {
  device: UhppoteConfig;
  access: AccessControl;
  storage: DeviceStorage;
  log: Logger;
  call(frame: Buffer): Promise<Buffer>;
}

export class CardSync {
  private off: (() => void) | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(private readonly o: CardSyncOptions) {}

  /**
   * Pushes the changes now, or after the push under way (changes meanwhile coalesce into one more).
   * It runs beside the controller's event queue: a long first push must not hold back the door events.
   */
  request(): void {
    this.stopped = false;
    if (this.running) return void (this.again = true);
    this.running = (async () => {
      do {
        this.again = false;
        await this.sync().catch((err: unknown) => this.o.log.warn({ err }, 'controller card list not updated; tried again on the next change or start'));
      } while (this.again && !this.stopped);
      this.running = null;
    })();
  }

  /** Re-pushes after each whitelist change. */
  watch(): void {
    this.off = this.o.access.onChange(() => this.request());
  }

  /** Stops watching and waits for the push under way to end at its next card. */
  async stop(): Promise<void> {
    this.off?.();
    this.off = null;
    this.stopped = true;
    await this.running;
  }

  /** The cards the whitelist wants on this controller. */
  private wanted(access: AccessControl): Map<number, Entry> {
    const want = new Map<number, Entry>();
    for (const door of this.o.device.doors) {
      for (const c of access.cardsFor(door.device)) {
        const e = want.get(c.card) ?? { from: c.from, to: c.to, doors: [0, 0, 0, 0] };
        if (c.from < e.from) e.from = c.from;
        if (c.to > e.to) e.to = c.to;
        e.doors[door.number - 1] = 1;
        want.set(c.card, e);
      }
    }
    return want;
  }

  /** Pushes what changed since the last sync. */
  private async sync(): Promise<void> {
    const { access, device: d, log, storage } = this.o;
    if (!d.pushCards) return;
    const want = this.wanted(access);
    const pushed = JSON.parse(storage.get(PUSHED_KEY) ?? '{}') as Record<string, string>;
    const save = () => storage.set(PUSHED_KEY, JSON.stringify(pushed));
    let put = 0;
    let deleted = 0;
    try {
      for (const [card, e] of want) {
        if (this.stopped) return;
        const sig = `${e.from}/${e.to}/${e.doors.join('')}`;
        if (pushed[card] === sig) continue;
        const f = request(FN.putCard, d.serial);
        f.writeUInt32LE(card, 8);
        writeDate(f, 12, e.from);
        writeDate(f, 16, e.to);
        e.doors.forEach((p, i) => (f[20 + i] = p));
        if ((await this.o.call(f))[8] !== 1) throw new Error(`controller ${d.serial} did not store a card (put-card answered "not stored")`);
        pushed[card] = sig;
        if (++put % PROGRESS_EVERY !== 0) continue;
        save();
        log.info({ put, of: want.size }, 'pushing cards to the controller');
      }
      for (const card of Object.keys(pushed)) {
        if (this.stopped) return;
        if (want.has(Number(card))) continue;
        const f = request(FN.deleteCard, d.serial);
        f.writeUInt32LE(Number(card), 8);
        await this.o.call(f);
        delete pushed[card];
        deleted++;
      }
    } finally {
      save();
    }
    if (put || deleted) log.info({ put, deleted, total: want.size }, 'controller card list updated');
  }
}
