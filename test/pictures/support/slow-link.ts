/**
 * A TCP relay between a gateway and the township broker that can be down (connections refused: an
 * outage) or slow (gateway → broker bytes paced to `bytesPerSec`, with backpressure to the gateway's
 * socket, as a 4G uplink behaves). It counts what is still queued, so a test can act while a large
 * message is crossing.
 */
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

const TICK_MS = 10;
/** Queued bytes beyond which the gateway's socket is paused (its own buffer then fills). */
const HIGH_WATER = 64 * 1024;

export class SlowLink {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private readonly pumps = new Set<NodeJS.Timeout>();
  /** Refuse new connections (and `cut()` the open ones): the link is down. */
  down = false;
  /** Gateway → broker bytes per second; 0: unthrottled. */
  bytesPerSec = 0;
  /** Bytes received from the gateway and not yet passed on. */
  queued = 0;
  port = 0;

  constructor(private readonly brokerPort: number) {}

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const server = createServer((gateway) => this.relay(gateway));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Closes every open connection. */
  cut(): void {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  async stop(): Promise<void> {
    this.cut();
    for (const p of this.pumps) clearInterval(p);
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private relay(gateway: Socket): void {
    if (this.down) {
      gateway.destroy();
      return;
    }
    const broker = connect(this.brokerPort, '127.0.0.1');
    const chunks: Buffer[] = [];
    let mine = 0;
    const pump = setInterval(() => {
      let budget = this.bytesPerSec > 0 ? Math.ceil((this.bytesPerSec * TICK_MS) / 1000) : Infinity;
      while (budget > 0 && chunks.length > 0) {
        const head = chunks[0] as Buffer;
        const part = head.length <= budget ? head : head.subarray(0, budget);
        if (part === head) chunks.shift();
        else chunks[0] = head.subarray(budget);
        broker.write(part);
        budget -= part.length;
        mine -= part.length;
        this.queued -= part.length;
      }
      if (mine < HIGH_WATER && gateway.isPaused()) gateway.resume();
    }, TICK_MS);
    this.pumps.add(pump);
    for (const s of [gateway, broker]) {
      this.sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => {
        clearInterval(pump);
        this.pumps.delete(pump);
        this.queued -= mine;
        mine = 0;
        chunks.length = 0;
        gateway.destroy();
        broker.destroy();
      });
    }
    gateway.on('data', (d: Buffer) => {
      chunks.push(d);
      mine += d.length;
      this.queued += d.length;
      if (mine >= HIGH_WATER) gateway.pause();
    });
    broker.on('data', (d: Buffer) => gateway.write(d));
  }
}
