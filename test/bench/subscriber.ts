/**
 * Main-thread handle on the township subscriber (subscriber-worker.ts): a persistent MQTT session
 * (fixed client id, clean=false) on `pingan/#`, `dev/#` and the bridge's `$SYS` connection state, so it
 * works for our gateway and for the Mosquitto bridge alike and misses nothing across a township restart.
 */
import { Worker } from 'node:worker_threads';
import { C, T, type SubscriberInit } from './subscriber-layout.js';

export class Subscriber {
  readonly seen: Uint8Array;
  readonly latency: Float64Array;
  readonly order: Int32Array;
  private readonly ctr: Int32Array;
  private readonly times: Float64Array;

  private constructor(private readonly worker: Worker, init: SubscriberInit) {
    this.seen = new Uint8Array(init.seen);
    this.latency = new Float64Array(init.latency);
    this.order = new Int32Array(init.order);
    this.ctr = new Int32Array(init.counters);
    this.times = new Float64Array(init.times);
  }

  static async start(url: string, runId: string, perDevice: number, devices: number): Promise<Subscriber> {
    const capacity = perDevice * devices;
    const init: SubscriberInit = {
      url,
      clientId: `bench-sub-${runId}`,
      runId,
      perDevice,
      seen: new SharedArrayBuffer(capacity),
      latency: new SharedArrayBuffer(capacity * 8),
      order: new SharedArrayBuffer(capacity * 4),
      counters: new SharedArrayBuffer(16 * 4),
      times: new SharedArrayBuffer(8 * 8),
    };
    // Workers do not inherit tsx's loader: register it in the thread, then load the TypeScript module.
    const file = new URL('./subscriber-worker.ts', import.meta.url).href;
    const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(file)}); })`;
    const worker = new Worker(boot, { eval: true, workerData: init });
    const sub = new Subscriber(worker, init);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('township subscriber did not subscribe within 15 s')), 15_000);
      worker.once('error', (err) => (clearTimeout(timer), reject(err)));
      worker.once('message', (msg: unknown) => {
        clearTimeout(timer);
        if (msg === 'ready') resolve();
        else reject(new Error(`township subscriber: ${JSON.stringify(msg)}`));
      });
    });
    return sub;
  }

  get unique(): number {
    return Atomics.load(this.ctr, C.unique);
  }
  get dups(): number {
    return Atomics.load(this.ctr, C.dups);
  }
  get warmups(): number {
    return Atomics.load(this.ctr, C.warmups);
  }
  get uplinkUps(): number {
    return Atomics.load(this.ctr, C.uplinkUps);
  }
  get parseErrors(): number {
    return Atomics.load(this.ctr, C.parseErrors);
  }
  get firstUnique(): number {
    return this.times[T.firstUnique]!;
  }
  get lastUnique(): number {
    return this.times[T.lastUnique]!;
  }
  get lastUplinkUp(): number {
    return this.times[T.lastUplinkUp]!;
  }

  async stop(): Promise<void> {
    const done = new Promise<void>((resolve) => {
      const timer = setTimeout(() => void this.worker.terminate().then(() => resolve()), 3_000);
      this.worker.once('exit', () => (clearTimeout(timer), resolve()));
    });
    this.worker.postMessage('stop');
    await done;
  }
}

export const now = (): number => performance.timeOrigin + performance.now();

export async function waitUntil(pred: () => boolean, timeoutMs: number, what: string): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > until) {
      process.stderr.write(`[bench]   timed out after ${timeoutMs} ms waiting for ${what}\n`);
      return false;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}
