/**
 * The devices: one mqtt.js (MQTT 3.1.1) connection each, QoS 1, 200-byte JSON payloads carrying the run
 * id `r`, device index `d`, counter `n` and send time `t`. An event counts as sent only once PUBACKed.
 * Connections reconnect by themselves (mqtt.js resends unacknowledged publishes after a reconnect), so
 * the devices ride through a kill -9 of the village side.
 */
import { connectAsync, type MqttClient } from 'mqtt';
import { PARAMS } from './params.js';
import { now } from './subscriber.js';
import type { DeviceLogin, Target } from './targets.js';

export type TypeOf = (d: number, n: number) => string;
export const plainType: TypeOf = () => 'door.opened';

export function payload(runId: string, d: number, n: number, type: string, extra = ''): string {
  const head = `{"type":"${type}","r":"${runId}","d":${d},"n":${n},${extra}"t":${now().toFixed(3)},"pad":"`;
  const pad = PARAMS.payloadBytes - head.length - 2;
  if (pad < 0) throw new Error('payload head longer than the payload size');
  return `${head}${'x'.repeat(pad)}"}`;
}

/** Device logins in flight at once (below the LAN broker's per-address cap of pending logins). */
const CONNECT_GROUP = 4;

async function connectDevice(port: number, d: DeviceLogin, runId: string): Promise<MqttClient> {
  const c = await connectAsync(`mqtt://127.0.0.1:${port}`, {
    clientId: `${d.id}-${runId}`,
    username: d.username,
    password: d.password,
    protocolVersion: 4,
    clean: true,
    reconnectPeriod: 250,
    connectTimeout: 10_000,
    keepalive: 30,
  });
  c.on('error', () => undefined); // refused while the village side restarts: mqtt.js retries
  return c;
}

export class Devices {
  readonly acked: Uint8Array;
  ackedCount = 0;
  failed = 0;
  published = 0;
  private readonly topics: string[];

  private constructor(private readonly clients: MqttClient[], target: Target, private readonly runId: string, readonly perDevice: number) {
    this.acked = new Uint8Array(perDevice * clients.length);
    this.topics = target.devices.map((d) => `dev/${d.id}/event`);
  }

  static async connect(target: Target, runId: string, perDevice: number): Promise<Devices> {
    const clients: MqttClient[] = [];
    // In groups: every bench device comes from 127.0.0.1, and our LAN broker lets one address have only
    // a few logins pending at a time (maxPendingLoginsPerAddress, issue 9); 20 real devices have 20 addresses.
    for (let i = 0; i < target.devices.length; i += CONNECT_GROUP) {
      clients.push(...(await Promise.all(target.devices.slice(i, i + CONNECT_GROUP).map((d) => connectDevice(target.port, d, runId)))));
    }
    return new Devices(clients, target, runId, perDevice);
  }

  get outstanding(): number {
    return this.published - this.ackedCount - this.failed;
  }

  private publish(d: number, n: number, type: string, done?: () => void): void {
    this.published++;
    this.clients[d]!.publish(this.topics[d]!, payload(this.runId, d, n, type), { qos: 1 }, (err) => {
      if (err) this.failed++;
      else if (!this.acked[d * this.perDevice + n]) {
        this.acked[d * this.perDevice + n] = 1;
        this.ackedCount++;
      }
      done?.();
    });
  }

  /** One marked event per device, end to end: proves the whole path is up before measuring. */
  async warmup(): Promise<void> {
    await Promise.all(this.clients.map((c, d) => c.publishAsync(this.topics[d]!, payload(this.runId, d, 0, 'bench.warmup', '"w":1,'), { qos: 1 })));
  }

  /** Every device publishes `perDevice` events as fast as `window` unacknowledged publishes allow. */
  burst(window: number, typeOf: TypeOf = plainType): Promise<void> {
    return Promise.all(
      this.clients.map(
        (_, d) =>
          new Promise<void>((resolve) => {
            let next = 0;
            let inflight = 0;
            const pump = (): void => {
              while (inflight < window && next < this.perDevice) {
                const n = next++;
                inflight++;
                this.publish(d, n, typeOf(d, n), () => {
                  inflight--;
                  if (next < this.perDevice) pump();
                  else if (inflight === 0) resolve();
                });
              }
            };
            pump();
          }),
      ),
    ).then(() => undefined);
  }

  /**
   * Publishes `perDevice` events per device at `rate` events/s in total (spread evenly over the
   * devices and in time), not waiting for acknowledgements; resolves when the last one was handed to mqtt.js.
   */
  paced(rate: number, typeOf: TypeOf = plainType): Promise<void> {
    const perDeviceRate = rate / this.clients.length;
    const sent = this.clients.map(() => 0);
    const t0 = performance.now();
    return new Promise((resolve) => {
      const tick = (): void => {
        const elapsed = (performance.now() - t0) / 1000;
        for (let d = 0; d < this.clients.length; d++) {
          // Device d runs d/devices of a period behind device 0: at 1 event/s from 4 devices, one every second, not 4 every 4 s.
          const due = Math.min(this.perDevice, Math.floor(elapsed * perDeviceRate + 1 - d / this.clients.length));
          while (sent[d]! < due) this.publish(d, sent[d]!, typeOf(d, sent[d]!++));
        }
        if (sent.every((s) => s >= this.perDevice)) {
          clearInterval(timer);
          resolve();
        }
      };
      const timer = setInterval(tick, 1);
      tick();
    });
  }

  async waitAcked(timeoutMs: number): Promise<boolean> {
    const until = Date.now() + timeoutMs;
    while (this.outstanding > 0) {
      if (Date.now() > until) return false;
      await new Promise((r) => setTimeout(r, 20));
    }
    return true;
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.endAsync(true).catch(() => undefined)));
  }
}
