/**
 * The null gateway (issue 14, item 1): the ceiling of our own stack. The same libraries as ours, no
 * storage: aedes (MQTT 3.1.1) takes the devices' publishes and acknowledges each at once, and one
 * mqtt.js client (MQTT 5, QoS 1, at most `window` publishes in flight, as our uplink) republishes it
 * to the township. A kill loses everything it holds, by design: it is measured for speed only.
 *
 * It runs as plain JavaScript (null-target.ts transpiles this file alone), never under tsx: the
 * loader costs ~45 MiB of RSS, and this process's RSS is a figure of the bench. So it imports nothing
 * of ours; the bench passes it the township topic (built by gateway/kernel/topics.ts).
 * Config: one JSON argument, `NullGatewayConfig`. Prints one JSON line `{"msg":"null gateway started"}`.
 */
import { createServer, type AddressInfo } from 'node:net';
import { Aedes, type Client } from 'aedes';
import { connect } from 'mqtt';

export interface NullGatewayConfig {
  townshipUrl: string;
  /** The township topic every event goes to (events/{category} of the contract). */
  topic: string;
  clientId: string;
  /** Publishes in flight to the township, like our uplink's `inflightWindow`. */
  window: number;
  /** Device username → password: a plain comparison, no scrypt (the ceiling, not a login policy). */
  logins: Record<string, string>;
}

const config = JSON.parse(process.argv[2] ?? '{}') as NullGatewayConfig;
const logins = new Map(Object.entries(config.logins));
const devices = new WeakMap<Client, Buffer>();
const CLOSE = Buffer.from('}');
const say = (obj: Record<string, unknown>): void => void process.stdout.write(`${JSON.stringify(obj)}\n`);

// Events waiting for a place in the window: an array read from `head`, compacted once drained.
let queue: Buffer[] = [];
let head = 0;
let inflight = 0;
let refused = 0;

const uplink = connect(config.townshipUrl, { protocolVersion: 5, clientId: config.clientId, clean: true, reconnectPeriod: 250 });
uplink.on('error', (err) => say({ msg: 'uplink error', err: err.message }));
uplink.on('connect', () => pump());

function pump(): void {
  while (inflight < config.window && head < queue.length && uplink.connected) {
    const body = queue[head++]!;
    inflight++;
    uplink.publish(config.topic, body, { qos: 1 }, (err) => {
      inflight--;
      if (err) refused++;
      pump();
    });
  }
  if (head === queue.length) {
    queue = [];
    head = 0;
  }
}

const broker = await Aedes.createBroker({
  authenticate: (client, username, password, done) => {
    const ok = username !== undefined && logins.get(username) === password?.toString();
    if (ok) devices.set(client, Buffer.from(`{"device":${JSON.stringify(username)},"data":`));
    done(null, ok);
  },
  // The envelope is built around the device's bytes, unparsed; the PUBACK follows this `done` at once.
  authorizePublish: (client, packet, done) => {
    const prefix = client ? devices.get(client) : undefined;
    if (prefix) {
      const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
      queue.push(Buffer.concat([prefix, payload, CLOSE]));
      pump();
    }
    done(null);
  },
});
const server = createServer((socket) => {
  socket.setNoDelay(true); // as our local broker does (issue 10)
  broker.handle(socket);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
if (!uplink.connected) await new Promise((resolve) => uplink.once('connect', resolve));
say({ msg: 'null gateway started', port: (server.address() as AddressInfo).port });

process.once('SIGTERM', () => {
  say({ msg: 'null gateway stopping', queued: queue.length - head, inflight, refused });
  server.close();
  broker.close(() => uplink.end(true, {}, () => process.exit(0)));
});
