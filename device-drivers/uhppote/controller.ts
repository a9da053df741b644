/**
 * A WG / UHPPOTE access controller (issue 10, item 2). On adoption it points the controller's event
 * listener (0x90) at the gateway, turns on door and button events (0x8E: without it none are sent,
 * uhppote-core#2), writes each door's delay (0x80) and its clock in the controller's own time zone
 * (0x30), reads its status (0x20) and back-fills, in order and once, every event stored since the last
 * one handled (0xB0 by index; the cursor is kept in the driver's storage and mirrored on the controller
 * with 0xB2/0xB4). Pushed events and a status poll keep it current — a push is only a hint, each
 * event is read back from the controller's own log, so a frame forged on the LAN injects nothing. Swipes go to the access service
 * (`access.granted` / `access.denied`), door events go to the door devices. The whitelist's cards for
 * its doors are pushed (0x50/0x52) so the controller decides by itself when the gateway is off.
 */
import type { AccessControl } from '../access.js';
import type { DeviceAction, Driver, DriverContext, DriverHealth } from '../driver.js';
import type { UdpNetwork, UdpSocket } from '../net/udp.js';
import type { DeviceActions } from '../seams.js';
import { secMs } from '../../gateway/kernel/timers.js';
import { CardSync } from './card-sync.js';
import type { UhppoteConfig } from './config.js';
import { OPEN_ACTION, SIGNAL_ACTION, type DoorSignal } from './door-signal.js';
import { EventMapper } from './event-mapper.js';
import { FN, frameProblem, readEvent, readStatus, request, EVENT_TYPE, type ControllerEvent } from './frames.js';
import { tcpRequester, udpRequester, type Requester } from './transport.js';
import { readDateTime, writeDateTime } from './bcd.js';
import { instantOf, wallTime } from './zoned-time.js';

export interface UhppoteSeams {
  udp: UdpNetwork;
  deviceActions: DeviceActions;
  access: AccessControl;
}

const CURSOR_KEY = 'eventIndex';
/** get-event's index for the oldest stored event (research A.4: 0 ⇒ oldest, 0xFFFFFFFF ⇒ newest). */
const OLDEST = 0;
/** Pushed indices kept between two reads; a real controller pushes a few per round trip. */
const MAX_CLAIMS = 1024;
/** How far a controller clock set by the gateway may be off when judging whether a polled event is recent. */
const RECENT_MARGIN_MS = 10_000;

export function createUhppote(ctx: DriverContext<UhppoteSeams, UhppoteConfig>): Driver {
  const { device: d, seams, log } = ctx;
  let health: DriverHealth = { status: 'stopped', online: false };
  let requester: Requester | null = null;
  let listener: UdpSocket | null = null;
  let pollTimer: NodeJS.Timeout | null = null;
  let clockTimer: NodeJS.Timeout | null = null;
  let adopted = false;
  let stopping = false;
  const restoreTimers = new Set<NodeJS.Timeout>();
  const stored = ctx.storage.get(CURSOR_KEY);
  let cursor: number | null = stored === undefined ? null : Number(stored);

  const refused = (problem: Parameters<DriverContext['reject']>[0], bytes: number) => {
    log.debug({ problem, bytes }, 'controller frame refused');
    ctx.reject(problem, { bytes });
  };
  const call = (frame: Buffer) => {
    if (!requester) throw new Error(`controller "${d.id}" is not started`);
    return requester.call(frame);
  };
  const req = (fn: number) => request(fn, d.serial);
  const signal = (door: string, s: DoorSignal) =>
    seams.deviceActions.act(door, { name: SIGNAL_ACTION, params: { signal: s } }).catch((err: unknown) => log.error({ err, door, signal: s.kind }, 'door signal failed'));
  const doorOf = (n: number) => d.doors.find((x) => x.number === n);

  // Events, catch-up and the cursor go through one queue: each index is handled once, in order.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(what: string, run: () => Promise<T>): Promise<T | undefined> => {
    const done = queue.then(run).catch((err: unknown) => {
      log.error({ err, what }, 'controller step failed');
      return undefined;
    });
    queue = done;
    return done;
  };

  const mapper = new EventMapper({ device: d, seams, log, emit: (e) => ctx.emit(e), signal, doorOf });
  const cards = new CardSync({ device: d, access: seams.access, storage: ctx.storage, log, call });

  const setCursor = (index: number) => {
    cursor = index;
    ctx.storage.set(CURSOR_KEY, String(index));
  };

  const withIndex = (fn: number, index: number) => {
    const f = req(fn);
    f.writeUInt32LE(index >>> 0, 8);
    return f;
  };

  /** Events the controller's ring buffer dropped before we read them: said once, with the range. */
  const lost = async (index: number): Promise<void> => {
    const oldest = readEvent(await call(withIndex(FN.getEvent, OLDEST))).index;
    const to = Math.max(index, oldest - 1);
    log.warn({ from: index, to }, 'controller events overwritten before they were read');
    await ctx.emit({ type: 'controller.events.lost', category: 'door', data: { controller: d.serial, from: index, to, count: to - index + 1 } });
    setCursor(to);
  };

  /**
   * Reads and handles every event after the cursor up to `last`, oldest first, each from the controller's
   * own log (0xB0): a pushed frame only says that there is news, so a frame forged on the LAN with the
   * controller's serial and address cannot inject a swipe. Events `live` says happened just now drive
   * the doors' state machines; the others are back-filled. Stops at the first index the controller
   * does not have. `pushed` is how many of them were announced by a push (more is a catch-up).
   */
  const readUpTo = async (last: number, live: (e: ControllerEvent) => boolean, pushed = 0): Promise<void> => {
    if (cursor === null || last <= cursor) return;
    const from = cursor + 1;
    const catchingUp = last - from + 1 > pushed;
    if (catchingUp) log.info({ from, to: last }, 'catching up on controller events');
    while (cursor < last && !stopping) {
      const index: number = cursor + 1;
      const event = readEvent(await call(withIndex(FN.getEvent, index)));
      if (event.type === EVENT_TYPE.overwritten) await lost(index);
      else if (event.index !== index) break;
      else {
        await mapper.deliver(event, live(event));
        setCursor(index);
      }
    }
    if (!catchingUp) return;
    await call(withIndex(FN.setEventIndex, cursor)).catch((err: unknown) => log.warn({ err }, 'controller event index not mirrored'));
    log.info({ from, to: cursor }, 'controller events caught up');
  };

  /** Whether `e` happened within the last poll interval (and a margin for the controller's clock). */
  const recent = (e: ControllerEvent) => e.at !== null && Math.abs(ctx.clock.now() - instantOf(e.at, d.timeZone)) <= d.pollSec * 1000 + RECENT_MARGIN_MS;

  const status = async () => readStatus(await call(req(FN.status)));

  const setClock = async () => {
    if (!ctx.clock.synced()) return log.info({ timeZone: d.timeZone }, 'gateway clock not synced; controller clock left as it is');
    // Read first (0x32), so the log says how far the board had drifted (a board without a battery restarts at its build date).
    const shown = readDateTime(await call(req(FN.getTime)), 8);
    const driftSec = shown ? Math.round((instantOf(shown, d.timeZone) - ctx.clock.now()) / 1000) : null;
    const f = req(FN.setTime);
    writeDateTime(f, 8, wallTime(ctx.clock.now(), d.timeZone));
    await call(f);
    log.info({ timeZone: d.timeZone, driftSec }, 'controller clock set');
  };

  const setDoorDelay = async (number: number, seconds: number) => {
    const f = req(FN.setDoorControl);
    f[8] = number;
    f[9] = 3; // controlled: the lock follows grants (1 would be normally open, 2 normally closed)
    f[10] = Math.min(255, Math.max(1, Math.round(seconds)));
    await call(f);
  };

  /** Points the controller at the gateway and reads where it is; then back-fills and pushes cards in the queue. */
  const adopt = async (): Promise<void> => {
    const listen = req(FN.setListener);
    listen.set(d.listener.address.split('.').map(Number), 8);
    listen.writeUInt16LE(d.listener.port, 12);
    listen[14] = d.autoSendSec;
    await call(listen);
    const special = req(FN.recordSpecialEvents);
    special[8] = 1;
    await call(special);
    for (const door of d.doors) await setDoorDelay(door.number, door.unlockSec);
    await setClock();
    const st = await status();
    for (const door of d.doors) await signal(door.device, { kind: 'present', open: st.doorOpen[door.number - 1] as boolean });
    if (cursor === null) {
      // First adoption: the controller's own mirror of our cursor (a replaced box), else only what comes from now on.
      const mirrored = readEvent(await call(req(FN.getEventIndex))).index;
      setCursor(mirrored > 0 && mirrored <= st.event.index ? mirrored : st.event.index);
      log.info({ cursor, latest: st.event.index }, 'controller adopted; earlier events are not imported');
    }
    adopted = true;
    await online(true);
    void serial('catch-up', () => readUpTo(st.event.index, () => false));
    cards.request();
  };

  /** Says once per change whether the controller answers (not the first time it does: that is the normal start). */
  let announced: boolean | null = null;
  const online = async (up: boolean, reason?: string) => {
    health = up ? { status: 'ok', online: true } : { status: 'degraded', online: false, detail: reason ?? 'unreachable' };
    if (announced === up) return;
    const first = announced === null;
    announced = up;
    await ctx.setState({ online: up, state: { serial: d.serial, address: d.address, transport: d.transport } });
    for (const door of d.doors) await signal(door.device, { kind: 'online', online: up });
    // The contract's device status data (docs/schemas/event.json deviceStatusData): found by the status poll; the error is in the log and the health.
    if (!(first && up)) await ctx.emit({ type: up ? 'device.online' : 'device.offline', category: 'device', data: { reason: 'status' } });
  };

  let polling = false;
  const poll = async () => {
    // A poll slower than pollSec (an unreachable controller's timeouts) is not overlapped by the next.
    if (polling) return;
    polling = true;
    try {
      if (!adopted) return await adopt();
      const st = await status();
      await online(true);
      // Found by a poll moments after they happened (their push was lost): live. The door sensors come from
      // these logged events, not from the status bytes, which would say "open" before the grant is read.
      await serial('poll catch-up', () => readUpTo(st.event.index, recent));
    } catch (err) {
      log.warn({ err }, 'controller poll failed');
      // A controller that comes back may have restarted: adopt it again (listener, clock, door delays).
      adopted = false;
      await online(false, (err as Error).message);
    } finally {
      polling = false;
    }
  };

  // Indices claimed by pushed frames since the last read: one read serves a burst, so a flood queues nothing.
  const claims = new Set<number>();
  let reading = false;
  const onPush = (bytes: Buffer, address: string) => {
    const problem = address !== d.address ? 'wrong-sender' : frameProblem(bytes, FN.status, d.serial);
    if (problem) return refused(problem, bytes.length);
    const index = bytes.readUInt32LE(8);
    // A re-send (auto-send, uhppote-core#21) of what is handled already.
    if (cursor === null || index <= cursor) return;
    if (claims.size >= MAX_CLAIMS) return refused('forged-event', bytes.length);
    claims.add(index);
    if (reading) return;
    reading = true;
    void serial('pushed events', async () => {
      reading = false;
      const batch = new Set(claims);
      claims.clear();
      await readUpTo(Math.max(...batch), (e) => batch.has(e.index), batch.size);
      if (stopping) return;
      for (const claimed of batch) if (cursor === null || claimed > cursor) refused('forged-event', bytes.length);
    });
  };

  const open = async (action: DeviceAction) => {
    const { device, seconds } = action.params as { device?: unknown; seconds?: unknown };
    const door = d.doors.find((x) => x.device === device);
    if (!door) throw new Error(`controller "${d.id}" has no door "${String(device)}"; its doors are ${d.doors.map((x) => x.device).join(', ')}`);
    const sec = typeof seconds === 'number' && seconds > 0 ? seconds : door.unlockSec;
    if (Math.round(sec) !== door.unlockSec) {
      await setDoorDelay(door.number, sec);
      const t = setTimeout(() => {
        restoreTimers.delete(t);
        void setDoorDelay(door.number, door.unlockSec).catch((err: unknown) => log.warn({ err, door: door.number }, 'door delay not restored'));
      }, secMs(sec + 1));
      restoreTimers.add(t);
    }
    const f = req(FN.openDoor);
    f[8] = door.number;
    mapper.expectRemoteOpen(door.number, true);
    const reply = await call(f).catch((err: unknown) => {
      mapper.expectRemoteOpen(door.number, false);
      throw err;
    });
    if (reply[8] !== 1) {
      mapper.expectRemoteOpen(door.number, false);
      throw new Error(`controller "${d.id}" refused to open door ${door.number} ("${door.device}")`);
    }
  };

  return {
    async start() {
      stopping = false;
      const transport = { address: d.address, port: d.port, serial: d.serial, timeoutMs: d.timeoutMs, retries: d.retries, refused };
      requester = d.transport === 'tcp' ? tcpRequester(transport) : await udpRequester(seams.udp, transport);
      listener = await seams.udp.bind({ host: d.listener.bind, port: d.listener.port, maxBytes: 1024 }, (dg) => onPush(dg.bytes, dg.address)).catch((err: unknown) => {
        throw new Error(`controller "${d.id}": cannot listen for its events on UDP ${d.listener.bind}:${d.listener.port} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); set listener.port to a free port (each controller its own) or listener.bind to an address of this box`, { cause: err });
      });
      health = { status: 'degraded', online: false, detail: 'not adopted yet' };
      await poll();
      pollTimer = setInterval(() => void poll(), secMs(d.pollSec));
      clockTimer = setInterval(() => void (adopted && setClock().catch((err: unknown) => log.warn({ err }, 'controller clock not set'))), secMs(d.clockSyncSec));
      cards.watch();
    },
    async stop() {
      stopping = true;
      for (const t of [pollTimer, clockTimer, ...restoreTimers]) if (t) clearInterval(t);
      restoreTimers.clear();
      await cards.stop();
      await queue;
      await listener?.close();
      await requester?.close();
      listener = requester = null;
      adopted = false;
      health = { status: 'stopped', online: false };
    },
    health: () => health,
    async handleAction(action: DeviceAction) {
      if (action.name !== OPEN_ACTION) throw new Error(`controller "${d.id}" takes the action open ({ device, seconds }), not "${action.name}"`);
      await open(action);
    },
  };
}
