/**
 * A simulated UHPPOTE controller for tests and the demo (research part A.5, after uhppote-simulator's
 * behaviour): real 64-byte frames over UDP (and TCP) on loopback, a card list it decides swipes by, an
 * event log with indices in a bounded ring, door sensors, buttons and relays, an event listener it
 * pushes every new event to, and its own wall clock with no time zone. Firmware quirks are switches.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { systemUdp, type UdpSocket } from '../net/udp.js';
import { readDate, readDateTime, writeDateTime, writeSystemDateTime } from './bcd.js';
import { EVENT_TYPE, FN, FRAME_BYTES, SOM, SOM_V662, request, writeEvent, type ControllerEvent } from './frames.js';
import { REASON } from './reasons.js';
import { wallTime, type WallTime } from './zoned-time.js';

/** A card as the controller stores it. */
export interface SimCard {
  from: string;
  to: string;
  /** Door 1–4 permission: 0 none, 1 always. */
  doors: number[];
}

export interface SimulatorQuirks {
  /** Firmware v6.62: pushed events start with 0x19 instead of 0x17. */
  v662: boolean;
  /** Pushed events are lost on the way (a gateway down, a dropped datagram): only the log keeps them. */
  dropPushes: boolean;
  /** Milliseconds before each reply. */
  replyDelayMs: number;
  /** Requests not answered at all (a controller that hangs). */
  mute: boolean;
}

export interface SimulatorOptions {
  serial: number;
  host?: string;
  /** UDP port (0: any free one). */
  port?: number;
  /** Also serve the frames over TCP on this port (0: any free one). */
  tcpPort?: number;
  /** Events kept before the oldest are overwritten (the simulator's ring: 256, dropped in chunks of 8). */
  capacity?: number;
  quirks?: Partial<SimulatorQuirks>;
  /** Its clock starts at this zone's wall time (a board set at installation); default: UTC wall time, as a fresh board is simply wrong. */
  zone?: string;
}

const DROP_CHUNK = 8;
/** Special card values of non-swipe events (uhppote-simulator). */
const CARD_DOOR_OPEN = 8;
const CARD_DOOR_CLOSE = 9;

const asUtc = (w: WallTime) => Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);

export class UhppoteSimulator {
  readonly serial: number;
  readonly quirks: SimulatorQuirks;
  readonly cards = new Map<number, SimCard>();
  /** Its stored events, oldest first; indices start at 1. */
  readonly events: ControllerEvent[] = [];
  /** Every request received, by function code, in order. */
  readonly requests: number[] = [];
  listener: { address: string; port: number; interval: number } | null = null;
  recordSpecialEvents = false;
  /** The host's event cursor (0xB2/0xB4). */
  cursor = 0;
  readonly doorOpen = [false, false, false, false];
  readonly doorDelay = [3, 3, 3, 3];
  readonly doorMode = [3, 3, 3, 3];
  relays = 0;
  /** Its clock: wall time = UTC wall time of now + this offset (a fresh board's clock is simply wrong). */
  clockOffsetMs = 0;
  /** The last time a host set (0x30), as it was written. */
  lastSetTime: WallTime | null = null;
  private udp: UdpSocket | null = null;
  private tcp: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private nextIndex = 1;
  private autoSend: NodeJS.Timeout | null = null;
  private readonly relockTimers = new Set<NodeJS.Timeout>();

  constructor(private readonly o: SimulatorOptions) {
    this.serial = o.serial;
    this.quirks = { v662: false, dropPushes: false, replyDelayMs: 0, mute: false, ...o.quirks };
    const now = Date.now();
    if (o.zone) this.clockOffsetMs = asUtc(wallTime(now, o.zone)) - now;
  }

  get port(): number {
    return this.udp?.port ?? 0;
  }

  get tcpPort(): number {
    const a = this.tcp?.address();
    return a && typeof a === 'object' ? a.port : 0;
  }

  async start(): Promise<void> {
    const host = this.o.host ?? '127.0.0.1';
    this.udp = await systemUdp.bind({ host, port: this.o.port ?? 0, maxBytes: 1024 }, (dg) => void this.answer(dg.bytes).then((r) => r && this.udp?.send(r, dg.port, dg.address)));
    if (this.o.tcpPort === undefined) return;
    const tcp = (this.tcp = createServer((sock) => this.serveTcp(sock)));
    await new Promise<void>((resolve, reject) => tcp.once('error', reject).listen(this.o.tcpPort, host, () => resolve()));
  }

  async stop(): Promise<void> {
    if (this.autoSend) clearInterval(this.autoSend);
    for (const t of this.relockTimers) clearTimeout(t);
    this.relockTimers.clear();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => (this.tcp ? this.tcp.close(() => r()) : r()));
    await this.udp?.close();
    this.udp = null;
    this.tcp = null;
  }

  /** The controller's wall clock now. */
  now(): WallTime {
    return wallTime(Date.now() + this.clockOffsetMs, 'UTC');
  }

  /** A card presented at `door`: decided by the card list, logged and pushed like the real board. */
  swipe(card: number, door: number, direction: 'in' | 'out' = 'in'): ControllerEvent {
    const c = this.cards.get(card);
    const today = ((w) => `${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`)(this.now());
    let reason: number = REASON.swipe;
    if (!c) reason = 18;
    else if (!c.doors[door - 1] || today < c.from || today > c.to) reason = 6;
    const granted = reason === REASON.swipe;
    if (granted) this.unlock(door);
    return this.add({ type: EVENT_TYPE.swipe, granted, door, direction, card, reason });
  }

  /** The door sensor: the door opens (`true`) or shuts. Logged only with record-special-events on, as on real boards (uhppote-core#2). */
  setDoor(door: number, open: boolean): ControllerEvent | null {
    this.doorOpen[door - 1] = open;
    if (!this.recordSpecialEvents) return null;
    return this.add({ type: EVENT_TYPE.door, granted: false, door, direction: 'in', card: open ? CARD_DOOR_OPEN : CARD_DOOR_CLOSE, reason: open ? REASON.doorOpened : REASON.doorClosed });
  }

  /** The exit button of `door`: releases the lock; logged with record-special-events on. */
  pressButton(door: number): ControllerEvent | null {
    this.unlock(door);
    if (!this.recordSpecialEvents) return null;
    return this.add({ type: EVENT_TYPE.door, granted: true, door, direction: 'out', card: 0, reason: REASON.pushButton });
  }

  /** Whether door `n`'s relay holds the lock released. */
  unlocked(door: number): boolean {
    return (this.relays & (1 << (door - 1))) !== 0;
  }

  private unlock(door: number): void {
    this.relays |= 1 << (door - 1);
    const t = setTimeout(() => {
      this.relockTimers.delete(t);
      this.relays &= ~(1 << (door - 1));
    }, (this.doorDelay[door - 1] ?? 3) * 1000);
    this.relockTimers.add(t);
  }

  private add(e: Omit<ControllerEvent, 'index' | 'at'>): ControllerEvent {
    const event = { ...e, index: this.nextIndex++, at: this.now() };
    const capacity = this.o.capacity ?? 256;
    if (this.events.length >= capacity) this.events.splice(0, DROP_CHUNK);
    this.events.push(event);
    this.push(event);
    return event;
  }

  private push(event: ControllerEvent): void {
    if (!this.listener || this.quirks.dropPushes || !this.udp) return;
    const f = this.status(event);
    if (this.quirks.v662) f[0] = SOM_V662;
    void this.udp.send(f, this.listener.port, this.listener.address).catch(() => {});
  }

  /** A status frame (0x20) with `event` and the live door, button and relay state. */
  private status(event: ControllerEvent | undefined): Buffer {
    const f = request(FN.status, this.serial);
    if (event) writeEvent(f, event);
    this.doorOpen.forEach((open, i) => (f[28 + i] = open ? 1 : 0));
    writeSystemDateTime(f, 51, 37, this.now());
    f[49] = this.relays;
    return f;
  }

  private eventAt(index: number): Buffer {
    const f = request(FN.getEvent, this.serial);
    const first = this.events[0]?.index ?? this.nextIndex;
    const i = index === 0 ? first : index === 0xffff_ffff ? this.nextIndex - 1 : index;
    const e = this.events.find((x) => x.index === i);
    if (e) writeEvent(f, e);
    else if (i < first && i > 0) {
      f.writeUInt32LE(i, 8);
      f[12] = EVENT_TYPE.overwritten;
    }
    return f;
  }

  /** The reply to one request frame, or null for frames a controller ignores (wrong serial, malformed). */
  async answer(q: Buffer): Promise<Buffer | null> {
    if (q.length !== FRAME_BYTES || q[0] !== SOM || q.readUInt32LE(4) !== this.serial || this.quirks.mute) return null;
    const fn = q[1] as number;
    this.requests.push(fn);
    const r = request(fn, this.serial);
    const ok = () => ((r[8] = 1), r);
    const reply = ((): Buffer | null => {
      switch (fn) {
        case FN.status:
          return this.status(this.events.at(-1));
        case FN.setTime: {
          const w = readDateTime(q, 8);
          if (!w) return null;
          this.lastSetTime = w;
          this.clockOffsetMs = asUtc(w) - Date.now();
          writeDateTime(r, 8, this.now());
          return r;
        }
        case FN.getTime:
          writeDateTime(r, 8, this.now());
          return r;
        case FN.openDoor: {
          const door = q[8] as number;
          if (door < 1 || door > 4) return r;
          this.unlock(door);
          this.add({ type: EVENT_TYPE.door, granted: true, door, direction: 'in', card: 0, reason: REASON.remoteOpen });
          return ok();
        }
        case FN.putCard: {
          const from = readDate(q, 12);
          const to = readDate(q, 16);
          if (q.readUInt32LE(12) === 0 || q.readUInt32LE(16) === 0) return r; // zero dates are refused
          this.cards.set(q.readUInt32LE(8), { from, to, doors: [q[20], q[21], q[22], q[23]] as number[] });
          return ok();
        }
        case FN.deleteCard:
          r[8] = this.cards.delete(q.readUInt32LE(8)) ? 1 : 0;
          return r;
        case FN.setDoorControl: {
          const door = q[8] as number;
          if (door >= 1 && door <= 4) {
            this.doorMode[door - 1] = q[9] as number;
            this.doorDelay[door - 1] = q[10] as number;
          }
          q.copy(r, 8, 8, 11);
          return r;
        }
        case FN.recordSpecialEvents:
          this.recordSpecialEvents = q[8] === 1;
          return ok();
        case FN.setListener:
          this.setListener(`${q[8]}.${q[9]}.${q[10]}.${q[11]}`, q.readUInt16LE(12), q[14] as number);
          return ok();
        case FN.getListener:
          if (this.listener) {
            r.set(this.listener.address.split('.').map(Number), 8);
            r.writeUInt16LE(this.listener.port, 12);
            r[14] = this.listener.interval;
          }
          return r;
        case FN.getEvent:
          return this.eventAt(q.readUInt32LE(8));
        case FN.setEventIndex:
          this.cursor = q.readUInt32LE(8);
          r.writeUInt32LE(this.cursor, 8);
          r[12] = 1;
          return r;
        case FN.getEventIndex:
          r.writeUInt32LE(this.cursor, 8);
          return r;
        default:
          return null;
      }
    })();
    if (reply && this.quirks.replyDelayMs > 0) await new Promise((res) => setTimeout(res, this.quirks.replyDelayMs));
    return reply;
  }

  private setListener(address: string, port: number, interval: number): void {
    this.listener = { address, port, interval };
    if (this.autoSend) clearInterval(this.autoSend);
    this.autoSend = null;
    // Auto-send (uhppote-core#21): the latest event again every `interval` seconds.
    if (interval > 0) this.autoSend = setInterval(() => this.events.length && this.push(this.events.at(-1) as ControllerEvent), interval * 1000);
  }

  private serveTcp(sock: Socket): void {
    this.sockets.add(sock);
    let buf = Buffer.alloc(0);
    sock.on('close', () => this.sockets.delete(sock));
    sock.on('error', () => sock.destroy());
    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= FRAME_BYTES) {
        const q = buf.subarray(0, FRAME_BYTES);
        buf = buf.subarray(FRAME_BYTES);
        void this.answer(Buffer.from(q)).then((r) => r && sock.write(r));
      }
    });
  }
}
