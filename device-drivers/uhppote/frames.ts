/**
 * UHPPOTE / WG access-controller frames (research part A, from uhppoted/uhppote-core messages/*.go):
 * every request and reply is 64 bytes, byte 0 the start of message 0x17, byte 1 the function, bytes
 * 4–7 the controller's serial (uint32 little-endian); integers are little-endian, IPv4 addresses in
 * network order. Firmware v6.62 starts pushed events with 0x19 instead (uhppote-core's codec patch).
 */
import { readDateTime, writeDateTime } from './bcd.js';
import type { WallTime } from './zoned-time.js';

export const FRAME_BYTES = 64;
export const SOM = 0x17;
/** v6.62 firmware's start byte on pushed events (function 0x20 only). */
export const SOM_V662 = 0x19;

/** Function codes (uhppoted-nodejs src/opcodes.js). */
export const FN = {
  status: 0x20,
  setTime: 0x30,
  getTime: 0x32,
  openDoor: 0x40,
  putCard: 0x50,
  deleteCard: 0x52,
  setDoorControl: 0x80,
  recordSpecialEvents: 0x8e,
  setListener: 0x90,
  getListener: 0x92,
  getEvent: 0xb0,
  setEventIndex: 0xb2,
  getEventIndex: 0xb4,
} as const;

/** Why a received frame was refused (each is counted and reported as `system.payload.rejected`). */
export type FrameProblem = 'short-frame' | 'bad-start' | 'bad-function' | 'wrong-serial';

/** A new 64-byte request for `serial`. */
export function request(fn: number, serial: number): Buffer {
  const b = Buffer.alloc(FRAME_BYTES);
  b[0] = SOM;
  b[1] = fn;
  b.writeUInt32LE(serial, 4);
  return b;
}

/** What is wrong with `frame` as a reply or event of function `fn` from `serial`, or null when it is sound. */
export function frameProblem(frame: Buffer, fn: number, serial: number): FrameProblem | null {
  if (frame.length !== FRAME_BYTES) return 'short-frame';
  if (frame[0] !== SOM && !(frame[0] === SOM_V662 && frame[1] === FN.status)) return 'bad-start';
  if (frame[1] !== fn) return 'bad-function';
  if (frame.readUInt32LE(4) !== serial) return 'wrong-serial';
  return null;
}

/** Event types at offset 12 (uhppoted-nodejs lookup.eventType). */
export const EVENT_TYPE = { none: 0x00, swipe: 0x01, door: 0x02, alarm: 0x03, overwritten: 0xff } as const;

/** One stored event of the controller: the first 20 bytes after the serial of a status, event or get-event frame. */
export interface ControllerEvent {
  index: number;
  type: number;
  granted: boolean;
  door: number;
  direction: 'in' | 'out';
  card: number;
  /** Controller wall time of the event; null when none is stored. */
  at: WallTime | null;
  reason: number;
}

/** Reads the event at offsets 8–27 (status 0x20, pushed event, get-event 0xB0). */
export function readEvent(f: Buffer): ControllerEvent {
  return {
    index: f.readUInt32LE(8),
    type: f[12] as number,
    granted: f[13] === 0x01,
    door: f[14] as number,
    direction: f[15] === 2 ? 'out' : 'in',
    card: f.readUInt32LE(16),
    at: readDateTime(f, 20),
    reason: f[27] as number,
  };
}

/** Writes an event at offsets 8–27 (the simulator's replies and pushes). */
export function writeEvent(f: Buffer, e: ControllerEvent): void {
  f.writeUInt32LE(e.index, 8);
  f[12] = e.type;
  f[13] = e.granted ? 1 : 0;
  f[14] = e.door;
  f[15] = e.direction === 'out' ? 2 : 1;
  f.writeUInt32LE(e.card, 16);
  if (e.at) writeDateTime(f, 20, e.at);
  f[27] = e.reason;
}

/** The live part of a status frame (offsets 28–53). */
export interface ControllerStatus {
  event: ControllerEvent;
  /** Door sensors 1–4: open. */
  doorOpen: [boolean, boolean, boolean, boolean];
  /** Exit buttons 1–4: pressed. */
  buttons: [boolean, boolean, boolean, boolean];
  systemError: number;
  sequence: number;
  /** Relays 1–4 unlocked, from the bitmap at 49 (bit n = door n+1; not uhppoted-nodejs's masks, which miss relays 2–4). */
  relays: [boolean, boolean, boolean, boolean];
  /** Inputs bitmap at 50: bit 0 force-lock, bit 1 fire alarm. */
  inputs: number;
}

const four = (f: Buffer, at: number): [boolean, boolean, boolean, boolean] => [f[at] === 1, f[at + 1] === 1, f[at + 2] === 1, f[at + 3] === 1];

/** Reads a status reply or pushed event frame (0x20). */
export function readStatus(f: Buffer): ControllerStatus {
  const relay = f[49] as number;
  return {
    event: readEvent(f),
    doorOpen: four(f, 28),
    buttons: four(f, 32),
    systemError: f[36] as number,
    sequence: f.readUInt32LE(40),
    relays: [(relay & 0x01) !== 0, (relay & 0x02) !== 0, (relay & 0x04) !== 0, (relay & 0x08) !== 0],
    inputs: f[50] as number,
  };
}
