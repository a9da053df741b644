/**
 * A TCP relay between one gateway and the township broker that fails the way village links fail:
 * - `blackhole`: bytes vanish both ways but no connection closes (a dead 4G link): the broker only
 *   notices through the keepalive, then publishes the gateway's last will;
 * - `down`: connections are refused at once (the link is plainly gone);
 * - `acks-lost`: a new connection gets its CONNACK, then nothing more from the broker: the gateway's
 *   publishes arrive but their PUBACKs never come back, so it sends them all again after `reset()`.
 */
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export type CutMode = 'pass' | 'blackhole' | 'down' | 'acks-lost';

export class LinkCutter {
  private server: Server | null = null;
  protected readonly sockets = new Set<Socket>();
  mode: CutMode = 'pass';
  port = 0;

  constructor(protected readonly brokerPort: number) {}

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const server = createServer((gateway) => this.relay(gateway));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Closes every open connection; the gateway reconnects under the current mode. */
  reset(): void {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  async stop(): Promise<void> {
    this.reset();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  protected relay(gateway: Socket): void {
    if (this.mode === 'down') {
      gateway.destroy();
      return;
    }
    const broker = connect(this.brokerPort, '127.0.0.1');
    const lose = this.mode === 'acks-lost';
    let fromBroker = 0;
    for (const s of [gateway, broker]) {
      this.sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => {
        gateway.destroy();
        broker.destroy();
      });
    }
    gateway.on('data', (d: Buffer) => {
      if (this.mode !== 'blackhole') broker.write(d);
    });
    broker.on('data', (d: Buffer) => {
      // The broker's first chunk on a new connection is its CONNACK, alone: the gateway speaks next.
      if (this.mode === 'pass' || (lose && fromBroker++ === 0)) gateway.write(d);
    });
  }
}
