/**
 * The township's side in tests: a subscriber on `pingan/#` that validates every message it receives
 * against the contract (schemas and topic rules) and keeps them for assertions.
 */
import { connectAsync, type MqttClient } from 'mqtt';
import { validateUplink } from './contract.js';

export interface ReceivedEvent {
  id: string;
  seq: number;
  device: string;
  type: string;
  severity: string;
  category: string;
  data: Record<string, unknown>;
}

export class TownshipProbe {
  readonly messages: { topic: string; payload: Buffer; retain: boolean }[] = [];
  readonly events: ReceivedEvent[] = [];
  /** Contract violations seen: must stay empty. */
  readonly invalid: string[] = [];

  private constructor(readonly client: MqttClient) {}

  /** A persistent session (fixed client id, clean=false): nothing is missed across broker restarts. */
  static async connect(url: string, clientId = `probe-${process.pid}-${Math.random().toString(16).slice(2, 8)}`, protocolVersion: 4 | 5 = 5): Promise<TownshipProbe> {
    const client = await connectAsync(url, { clientId, clean: false, protocolVersion, reconnectPeriod: 200, properties: protocolVersion === 5 ? { sessionExpiryInterval: 3600 } : undefined });
    const probe = new TownshipProbe(client);
    client.on('message', (topic, payload, packet) => probe.receive(topic, payload, packet.retain));
    await client.subscribeAsync('pingan/#', { qos: 1 });
    return probe;
  }

  private receive(topic: string, payload: Buffer, retain: boolean): void {
    if (topic.split('/')[4] === 'cmd') return; // downlink (operators' commands), not the gateway's output
    this.messages.push({ topic, payload, retain });
    const result = validateUplink(topic, payload);
    if (!result.ok) this.invalid.push(`${topic}: ${result.errors}`);
    if (result.kind === 'event') this.events.push(JSON.parse(payload.toString('utf8')) as ReceivedEvent);
  }

  json(kind: string): { topic: string; body: Record<string, unknown> }[] {
    return this.messages.filter((m) => m.topic.split('/')[4] === kind).map((m) => ({ topic: m.topic, body: JSON.parse(m.payload.toString('utf8')) as Record<string, unknown> }));
  }

  async waitFor(predicate: () => boolean, timeoutMs = 15_000, what = 'condition'): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }
}
