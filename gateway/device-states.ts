/**
 * The latest state and online flag of every device, mirrored retained to `devices/{device}/state`.
 * A degraded driver adds its `health` (status, detail). Only the newest mirror of a device waits in the outbox (older ones are replaced there).
 */
import type { Outbox } from '../cloud-bridge/outbox.js';
import type { DriverHealth } from '../device-drivers/driver.js';
import type { TownshipTopics } from './kernel/topics.js';
import { isoLocal, type Clock } from './kernel/clock.js';
import { PRIO_BY_SEVERITY } from './kernel/severity.js';

interface DeviceState {
  online: boolean;
  state: Record<string, unknown>;
}

export class DeviceStates {
  private readonly states = new Map<string, DeviceState>();

  constructor(
    private readonly outbox: Outbox,
    private readonly topics: TownshipTopics,
    private readonly clock: Clock,
    /** What the device's driver says of itself (issue 9): mirrored as `health` while degraded (stopped is the gateway stopping, not news). */
    private readonly healthOf: (device: string) => DriverHealth | undefined = () => undefined,
  ) {}

  async update(device: string, change: { online?: boolean; state?: Record<string, unknown> }): Promise<void> {
    const prev = this.states.get(device) ?? { online: false, state: {} };
    const next = { online: change.online ?? prev.online, state: change.state ?? prev.state };
    this.states.set(device, next);
    const h = this.healthOf(device);
    const health = h?.status === 'degraded' ? { health: { status: h.status, ...(h.detail !== undefined ? { detail: h.detail } : {}) } } : {};
    const payload = Buffer.from(JSON.stringify({ ts: isoLocal(this.clock.now()), online: next.online, state: next.state, ...health }));
    await this.outbox.add({ kind: 'state', prio: PRIO_BY_SEVERITY.info, topic: this.topics.deviceState(device), payload, qos: 1, retain: true });
  }

  get onlineCount(): number {
    let n = 0;
    for (const s of this.states.values()) if (s.online) n++;
    return n;
  }
}
