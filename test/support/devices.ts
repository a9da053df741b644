/** Simulated devices in tests: real mqtt.js clients (MQTT 3.1.1) on the gateway's local broker. */
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';

export function deviceClient(port: number, username: string, password: string, extra: IClientOptions = {}): Promise<MqttClient> {
  return connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: `${username}-${Math.random().toString(16).slice(2, 8)}`, username, password, protocolVersion: 4, reconnectPeriod: 0, ...extra });
}

/**
 * Publishes `count` QoS 1 events as fast as the window allows, each with a unique `n`; resolves with
 * the `n`s the gateway acknowledged (PUBACK). Stops early, without throwing, when the link fails.
 */
export async function publishBurst(client: MqttClient, device: string, count: number, body: (i: number) => Record<string, unknown>, window = 100): Promise<number[]> {
  const acked: number[] = [];
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < count) {
      const i = next++;
      try {
        await client.publishAsync(`dev/${device}/event`, JSON.stringify(body(i)), { qos: 1 });
        acked.push(i);
      } catch {
        failed = true;
      }
    }
  };
  await Promise.all(Array.from({ length: window }, worker));
  return acked;
}
