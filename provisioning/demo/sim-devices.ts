/**
 * Simulated LAN devices for the demo: real MQTT clients on the gateway's local broker, each with its
 * own login, publishing the way field devices do (QoS 1 events, retained state, a last will).
 */
import { connectAsync, type MqttClient } from 'mqtt';
import { localTopic } from '../../gateway/kernel/topics.js';

export interface SimDevice {
  id: string;
  password: string;
  client: MqttClient;
}

export async function connectSimDevice(port: number, id: string, password: string): Promise<SimDevice> {
  const client = await connectAsync(`mqtt://127.0.0.1:${port}`, {
    clientId: `${id}-sim`,
    username: id,
    password,
    protocolVersion: 4,
    reconnectPeriod: 500,
    will: { topic: localTopic(id, 'status'), payload: Buffer.from('offline'), qos: 1, retain: true },
  });
  await client.publishAsync(localTopic(id, 'status'), 'online', { qos: 1, retain: true });
  return { id, password, client };
}

export async function publishEvent(device: SimDevice, event: Record<string, unknown>): Promise<void> {
  await device.client.publishAsync(localTopic(device.id, 'event'), JSON.stringify(event), { qos: 1 });
}

export async function publishState(device: SimDevice, state: Record<string, unknown>): Promise<void> {
  await device.client.publishAsync(localTopic(device.id, 'state'), JSON.stringify(state), { qos: 1, retain: true });
}
