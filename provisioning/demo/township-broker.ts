/**
 * An embedded township broker for the demo (aedes on loopback, MQTT 3.1.1). It can be stopped and
 * started again on the same port to show an uplink outage.
 */
import { Aedes } from 'aedes';
import { createServer, type AddressInfo, type Server } from 'node:net';

export class EmbeddedBroker {
  private broker: Aedes | null = null;
  private server: Server | null = null;
  port: number;

  constructor(port = 0) {
    this.port = port;
  }

  async start(): Promise<void> {
    const broker = await Aedes.createBroker();
    const server = createServer(broker.handle);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.broker = broker;
    this.server = server;
  }

  async stop(): Promise<void> {
    const { broker, server } = this;
    this.broker = null;
    this.server = null;
    if (server) {
      server.close();
      // Drop open connections so clients notice at once, as they would when the township link fails.
      await new Promise<void>((resolve) => (broker ? broker.close(() => resolve()) : resolve()));
    }
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }
}
