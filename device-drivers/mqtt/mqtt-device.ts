/**
 * Generic MQTT device on the local broker (contract, "Local side"): `dev/{id}/event` JSON objects
 * become events (`type` optional, the other fields become `data`), `dev/{id}/state` is mirrored to the
 * township, `dev/{id}/status` and the connection give online/offline.
 */
import type { LocalBus, DisconnectReason } from '../local-bus.js';
import type { MqttDeviceConfig } from './config.js';
import type { DeviceAction, Driver, DriverContext, DriverHealth } from '../driver.js';
import { nestsDeeperThan } from '../json-depth.js';

const TYPE = /^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/;
/** Deepest nesting of a device payload; real device payloads nest two or three levels. */
export const MAX_JSON_DEPTH = 16;

export interface MqttDeviceSeams {
  bus: LocalBus;
}

type Parsed = { ok: true; value: Record<string, unknown> } | { ok: false; reason: 'not-json' | 'not-object' | 'too-deep' };

function parseObject(payload: Buffer): Parsed {
  if (nestsDeeperThan(payload, MAX_JSON_DEPTH)) return { ok: false, reason: 'too-deep' };
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch {
    return { ok: false, reason: 'not-json' };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { ok: false, reason: 'not-object' };
  return { ok: true, value: value as Record<string, unknown> };
}

export function createMqttDevice(ctx: DriverContext<MqttDeviceSeams, MqttDeviceConfig>): Driver {
  const { device, seams } = ctx;
  const allowed = device.types ? new Set(device.types) : null;
  let online = false;
  let running = false;

  const presence = async (next: boolean, reason: DisconnectReason | 'connect' | 'status'): Promise<void> => {
    if (next === online) return;
    online = next;
    await ctx.emit({ type: next ? 'device.online' : 'device.offline', data: { reason } });
    await ctx.setState({ online: next });
  };

  const onEvent = async (payload: Buffer): Promise<void> => {
    const parsed = parseObject(payload);
    if (!parsed.ok) return ctx.reject(parsed.reason, { bytes: payload.length });
    const { type = device.defaultType, ...data } = parsed.value;
    if (typeof type !== 'string' || !TYPE.test(type) || type.length > 64) return ctx.reject('bad-type', { bytes: payload.length });
    // `system.*` events speak for the gateway itself (a forged `system.outbox.evicted` hid real losses
    // from the monitor, issue 8 #9); and a device may be held to the types it is expected to send.
    if (type === 'system' || type.startsWith('system.')) return ctx.reject('forbidden-type', { bytes: payload.length });
    if (allowed && !allowed.has(type)) return ctx.reject('unlisted-type', { bytes: payload.length });
    await ctx.emit({ type, data });
  };

  const onState = async (payload: Buffer): Promise<void> => {
    if (payload.length === 0) return; // a retained-message clear, not a state
    const parsed = parseObject(payload);
    if (!parsed.ok) return ctx.reject(parsed.reason, { bytes: payload.length });
    await ctx.setState({ state: parsed.value });
  };

  const onStatus = async (payload: Buffer, isWill: boolean): Promise<void> => {
    const text = payload.toString('utf8').trim();
    if (text !== 'online' && text !== 'offline') return ctx.reject('not-object', { bytes: payload.length });
    await presence(text === 'online', isWill ? 'will' : 'status');
  };

  return {
    async start() {
      running = true;
      seams.bus.attach(device.id, {
        onMessage: async (kind, payload, isWill) => {
          switch (kind) {
            case 'event':
              return onEvent(payload);
            case 'state':
              return onState(payload);
            case 'status':
              return onStatus(payload, isWill);
            case 'other':
              return ctx.reject('unknown-topic', { bytes: payload.length });
          }
        },
        onConnect: () => void presence(true, 'connect').catch((err: unknown) => ctx.log.error({ err }, 'could not record device online')),
        onDisconnect: (reason) => void presence(false, reason).catch((err: unknown) => ctx.log.error({ err }, 'could not record device offline')),
      });
    },
    async stop() {
      running = false;
      seams.bus.detach(device.id);
    },
    health(): DriverHealth {
      return { status: running ? 'ok' : 'stopped', online };
    },
    async handleAction(action: DeviceAction) {
      await seams.bus.sendCommand(device.id, Buffer.from(JSON.stringify({ action: action.name, ...action.params })));
    },
  };
}
