/** A driver context that keeps what a driver emits and mirrors, and zones a test arms by hand. */
import { pino } from 'pino';
import type { ZoneView } from '../../../device-drivers/alarm-input/alarm-input.js';
import type { DeviceEventInput, DriverContext } from '../../../device-drivers/driver.js';
import { memoryStorage } from '../../../device-drivers/storage.js';
import type { DeviceConfigBase as DeviceConfig } from '../../../device-drivers/driver.js';
import { LogSink } from '../../support/gateway-fixture.js';

export class FakeZones implements ZoneView {
  private readonly armed = new Set<string>();
  private readonly listeners = new Set<(zone: string, armed: boolean) => void>();
  isArmed(zone: string): boolean {
    return this.armed.has(zone);
  }
  onChange(listener: (zone: string, armed: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  set(zone: string, armed: boolean): void {
    if (armed) this.armed.add(zone);
    else this.armed.delete(zone);
    for (const l of this.listeners) l(zone, armed);
  }
}

export function recordingContext<S, D extends DeviceConfig>(device: D, seams: S) {
  const events: DeviceEventInput[] = [];
  const states: { online?: boolean; state?: Record<string, unknown> }[] = [];
  const logs = new LogSink();
  const ctx: DriverContext<S, D> = {
    device,
    log: pino({ level: 'debug' }, logs),
    clock: { now: () => Date.now(), synced: () => true },
    emit: async (e) => void events.push(e),
    reject: () => {},
    setState: async (u) => void states.push(u),
    storage: memoryStorage(),
    seams,
  };
  return { ctx, events, states, logs, types: () => events.map((e) => e.type) };
}
