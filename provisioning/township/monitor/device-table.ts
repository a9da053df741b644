/**
 * The device-state table of the console (issue 16): every device's retained `devices/{device}/state`,
 * and of them the ones with a standing problem — offline, a fault the driver names (`state.fault`, e.g.
 * a chattering or dead input), a degraded driver, or an alarm input still raised. A dead input is a
 * state that stays until it is mended, not a passing event that scrolls away.
 */
import { parseUplinkTopic } from '../../../gateway/kernel/topics.js';

/** A device's retained state as published (gateway/device-states.ts). */
export interface DeviceStatePayload {
  ts: string;
  online: boolean;
  state: Record<string, unknown>;
  /** Present while the device's driver is degraded. */
  health?: { status: string; detail?: unknown };
}

/** A device state message; `state` null when the retained message was cleared. */
export interface DeviceStateMessage {
  township: string;
  gateway: string;
  device: string;
  state: DeviceStatePayload | null;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads a `devices/{device}/state` message; null for any other topic (parseUplink reads those). */
export function parseDeviceState(topic: string, payload: Buffer): { ok: true; message: DeviceStateMessage } | { ok: false; reason: string } | null {
  const t = parseUplinkTopic(topic);
  if (t?.kind !== 'device-state') return null;
  const where = { township: t.township, gateway: t.gateway, device: t.device };
  // An empty retained message clears the device's state at the broker [MQTT-3.3.1-10].
  if (payload.length === 0) return { ok: true, message: { ...where, state: null } };
  let p: unknown;
  try {
    p = JSON.parse(payload.toString('utf8'));
  } catch {
    return { ok: false, reason: 'device state payload is not JSON' };
  }
  if (!isObj(p) || typeof p.ts !== 'string' || typeof p.online !== 'boolean' || !isObj(p.state ?? {})) return { ok: false, reason: 'device state needs "ts", "online" and an object "state"' };
  const health = isObj(p.health) && typeof p.health.status === 'string' ? { health: { status: p.health.status, detail: p.health.detail } } : {};
  return { ok: true, message: { ...where, state: { ts: p.ts, online: p.online, state: (p.state ?? {}) as Obj, ...health } } };
}

/** A device with a standing problem, as the table shows it. */
export interface DeviceProblem {
  township: string;
  gateway: string;
  device: string;
  /** What is wrong, most serious first: `offline`, `fault`, `degraded`, `alarm`. */
  problem: 'offline' | 'fault' | 'degraded' | 'alarm';
  /** The fault's name or the driver's detail, when given. */
  detail: string;
  /** When the console first saw this problem standing (ms), from the state's own `ts` when readable. */
  since: number;
}

const ORDER: Record<DeviceProblem['problem'], number> = { offline: 0, fault: 1, degraded: 2, alarm: 3 };

interface Known {
  township: string;
  gateway: string;
  device: string;
  problem: DeviceProblem['problem'] | null;
  detail: string;
  since: number;
}

/** What is wrong with a device in this state, or null when nothing. */
function problemOf(s: DeviceStatePayload): { problem: DeviceProblem['problem']; detail: string } | null {
  const fault = s.state.fault;
  if (!s.online) return { problem: 'offline', detail: typeof fault === 'string' ? fault : '' };
  if (typeof fault === 'string' && fault) return { problem: 'fault', detail: fault };
  if (s.health) return { problem: 'degraded', detail: s.health.detail === undefined ? s.health.status : String(s.health.detail) };
  if (s.state.alarm === true) return { problem: 'alarm', detail: 'input raised' };
  return null;
}

/** Every device's latest state, by township, gateway and device. */
export class DeviceTable {
  private readonly devices = new Map<string, Known>();

  /** A device's state as published (null: its retained state was cleared, so it is gone). */
  see(township: string, gateway: string, device: string, s: DeviceStatePayload | null, now: number): void {
    const key = `${township}/${gateway}/${device}`;
    if (!s) {
      this.devices.delete(key);
      return;
    }
    const p = problemOf(s);
    const prev = this.devices.get(key);
    const stamp = Date.parse(s.ts);
    // The problem keeps its first sighting while it stands; a new or different problem starts again.
    const since = prev && p && prev.problem === p.problem ? prev.since : Number.isNaN(stamp) ? now : stamp;
    this.devices.set(key, { township, gateway, device, problem: p?.problem ?? null, detail: p?.detail ?? '', since });
  }

  /** Devices known, and how many of them are well. */
  get counts(): { devices: number; problems: number } {
    let problems = 0;
    for (const d of this.devices.values()) if (d.problem) problems++;
    return { devices: this.devices.size, problems };
  }

  /** The devices with a standing problem: offline first, then fault, degraded, alarm; oldest first within. */
  problems(): DeviceProblem[] {
    const out: DeviceProblem[] = [];
    for (const d of this.devices.values()) if (d.problem) out.push({ ...d, problem: d.problem });
    return out.sort((a, b) => ORDER[a.problem] - ORDER[b.problem] || a.since - b.since || a.gateway.localeCompare(b.gateway) || a.device.localeCompare(b.device));
  }
}
