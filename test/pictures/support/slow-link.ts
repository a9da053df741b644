/**
 * The LinkCutter relay (test/monitor/link-cutter.ts: `down` refuses connections, an outage) with a slow
 * mode: gateway → broker bytes paced to `bytesPerSec`, with backpressure to the gateway's socket, as a
 * 4G uplink behaves. It counts what is still queued, so a test can act while a large message crosses.
 */
import { connect, type Socket } from 'node:net';
import { LinkCutter } from '../../monitor/link-cutter.js';

const TICK_MS = 10;
/** Queued bytes beyond which the gateway's socket is paused (its own buffer then fills). */
const HIGH_WATER = 64 * 1024;

export class SlowLink extends LinkCutter {
  /** Gateway → broker bytes per second; 0: unthrottled. */
  bytesPerSec = 0;
  /** Bytes received from the gateway and not yet passed on. */
  queued = 0;

  protected override relay(gateway: Socket): void {
    if (this.mode !== 'pass') {
      super.relay(gateway);
      return;
    }
    const broker = connect(this.brokerPort, '127.0.0.1');
    const chunks: Buffer[] = [];
    let mine = 0;
    const pass = (budget: number) => {
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
    };
    const pump = setInterval(() => pass(this.bytesPerSec > 0 ? Math.ceil((this.bytesPerSec * TICK_MS) / 1000) : Infinity), TICK_MS);
    for (const s of [gateway, broker]) {
      this.sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => {
        clearInterval(pump);
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
      if (this.bytesPerSec === 0) pass(Infinity);
      else if (mine >= HIGH_WATER) gateway.pause();
    });
    broker.on('data', (d: Buffer) => gateway.write(d));
  }
}
