/**
 * A credential reader or face terminal on the local broker (issue 10, item 3). It publishes
 * `{"type":"credential","method","value","door"?,"score"?,"direction"?}` on `dev/{id}/event`; the gateway
 * decides, unlocks the door on a grant, and answers on `dev/{id}/cmd` with
 * `{"action":"grant"|"deny","reason"?,"door","person"?}`. The credential message itself is never
 * stored: it becomes the masked `access.*` event. Everything else the device sends is handled as an
 * `mqtt` device's traffic.
 */
import { z } from 'zod';
import type { AccessControl, AccessDecision, AccessRequest } from '../access.js';
import type { Driver, DriverContext } from '../driver.js';
import { nestsDeeperThan } from '../json-depth.js';
import type { LocalBus } from '../local-bus.js';
import type { MqttDeviceConfig } from '../mqtt/config.js';
import { createMqttDevice, MAX_JSON_DEPTH } from '../mqtt/mqtt-device.js';
import type { DeviceActions } from '../seams.js';
import type { ReaderConfig } from './config.js';

export interface ReaderSeams {
  bus: LocalBus;
  access: AccessControl;
  deviceActions: DeviceActions;
}

const credentialMessage = z.object({
  type: z.literal('credential'),
  method: z.enum(['card', 'pin', 'qr', 'face']),
  value: z.string().min(1).max(512),
  door: z.string().max(64).optional(),
  score: z.number().min(0).max(1).optional(),
  direction: z.enum(['in', 'out']).optional(),
});

/** The credential message, if `payload` is one (`type: "credential"`); `invalid` when it claims to be but is malformed. */
function asCredential(payload: Buffer): z.infer<typeof credentialMessage> | 'invalid' | null {
  if (nestsDeeperThan(payload, MAX_JSON_DEPTH)) return null; // the mqtt handling rejects it
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || (value as { type?: unknown }).type !== 'credential') return null;
  const parsed = credentialMessage.safeParse(value);
  return parsed.success ? parsed.data : 'invalid';
}

export function createReader(ctx: DriverContext<ReaderSeams, ReaderConfig>): Driver {
  const { device, seams } = ctx;
  const allowedDoors = new Set([device.door, ...device.doors]);

  const answer = (reply: Record<string, unknown>): Promise<void> => seams.bus.sendCommand(device.id, Buffer.from(JSON.stringify(reply)));

  const decide = async (access: AccessControl, m: z.infer<typeof credentialMessage>): Promise<AccessDecision> => {
    const direction = m.direction ?? device.direction;
    const request: AccessRequest = { door: m.door ?? device.door, reader: device.id, credential: { method: m.method, value: m.value, ...(m.score !== undefined ? { score: m.score } : {}) }, ...(direction ? { direction } : {}) };
    // Refused here, still recorded: a reader naming a door it does not serve, a face matched too weakly.
    if (!allowedDoors.has(request.door)) return access.record(request, false, 'door-not-allowed');
    if (m.method === 'face' && (m.score ?? 0) < device.faceThreshold) return access.record(request, false, 'unknown');
    return access.decide(request);
  };

  const onCredential = async (m: z.infer<typeof credentialMessage>): Promise<void> => {
    const access = seams.access;
    const door = m.door ?? device.door;
    const decision = await decide(access, m);
    if (!decision.granted) return answer({ action: 'deny', reason: decision.reason, door });
    try {
      await seams.deviceActions.act(door, { name: 'unlock', params: { seconds: device.unlockSeconds, by: 'grant', ...(decision.person ? { person: decision.person } : {}) } });
    } catch (err) {
      ctx.log.warn({ err, door, person: decision.person, credential: decision.credential }, 'granted but the door did not unlock');
      return answer({ action: 'deny', reason: 'door-fault', door, ...(decision.person ? { person: decision.person } : {}) });
    }
    return answer({ action: 'grant', door, seconds: device.unlockSeconds, ...(decision.person ? { person: decision.person } : {}) });
  };

  // The reader's traffic goes through the `mqtt` handling; credential messages are taken out first.
  const bus: LocalBus = {
    attach: (id, handler) =>
      seams.bus.attach(id, {
        ...handler,
        onMessage: async (kind, payload, isWill) => {
          const credential = kind === 'event' ? asCredential(payload) : null;
          if (credential === 'invalid') return ctx.reject('bad-credential', { bytes: payload.length });
          if (credential) return onCredential(credential);
          return handler.onMessage(kind, payload, isWill);
        },
      }),
    detach: (id) => seams.bus.detach(id),
    sendCommand: (id, payload) => seams.bus.sendCommand(id, payload),
  };
  const inner = createMqttDevice({ ...ctx, device: device as unknown as MqttDeviceConfig, seams: { bus } });

  return {
    async start(signal) {
      await inner.start(signal);
    },
    stop: () => inner.stop(),
    health: () => inner.health(),
    handleAction: (action) => (inner.handleAction as NonNullable<Driver['handleAction']>)(action),
  };
}
