/**
 * What the devices publish to: our gateway (`vgw run` as its own process), the null gateway (the
 * ceiling of our libraries, null-target.ts) or a village Mosquitto that bridges to the township. Plus
 * the township Mosquitto itself. All on loopback.
 */
import { chmodSync, rmSync } from 'node:fs';
import { inspectDb } from '../../cloud-bridge/db.js';
import { GatewayProcess } from '../support/gateway-process.js';
import { Mosquitto } from '../support/mosquitto.js';
import { removeDir, trackDir, trackProcess, untrackProcess } from './cleanup.js';
import { NullGatewayTarget } from './null-target.js';
import { VillageMosquitto } from './village-mosquitto.js';

export type TargetName = 'ours' | 'null-gateway' | 'bridge-default' | 'bridge-unlimited';
export const ALL_TARGETS: TargetName[] = ['ours', 'null-gateway', 'bridge-default', 'bridge-unlimited'];
/** The outage scenarios leave out the null gateway: it loses everything it holds on a kill, by design. */
export const FAULT_TARGETS: TargetName[] = ALL_TARGETS.filter((n) => n !== 'null-gateway');

export interface DeviceLogin {
  index: number;
  id: string;
  username?: string;
  password?: string;
}

export interface Target {
  readonly name: TargetName;
  readonly port: number;
  /** The village-side process whose CPU and memory we measure. */
  readonly pid: number;
  readonly devices: DeviceLogin[];
  start(): Promise<void>;
  kill9(): Promise<void>;
  stop(): Promise<void>;
  /** Everything the process logged, across restarts. */
  logs(): string;
  /** Rows still in the village side's outbox (ours only; null where there is none). */
  outboxRows(): number | null;
  dispose(): void;
}

const deviceIds = (count: number): string[] => Array.from({ length: count }, (_, i) => `bench-${i}`);
const withPasswords = (count: number): Required<DeviceLogin>[] => deviceIds(count).map((id, index) => ({ index, id, username: id, password: `bench-secret-${index}` }));

/** The township Mosquitto (persistence on, so a subscriber's session survives SIGTERM + start). */
export class Township {
  readonly broker = new Mosquitto({ persistence: true });
  constructor() {
    trackDir(this.broker.dir);
    // Mosquitto started as root runs as `mosquitto`: without this it cannot save its persistence file
    // on SIGTERM, and the subscriber's session would not survive the outage.
    chmodSync(this.broker.dir, 0o777);
  }
  get port(): number {
    return this.broker.port;
  }
  get url(): string {
    return this.broker.url;
  }
  get pid(): number {
    return this.broker['proc']?.pid ?? 0;
  }
  async start(): Promise<void> {
    await this.broker.start();
    const proc = this.broker['proc'];
    trackProcess(proc?.pid, () => proc?.kill('SIGKILL'));
  }
  async stop(): Promise<void> {
    const pid = this.broker['proc']?.pid;
    await this.broker.stop('SIGTERM');
    untrackProcess(pid);
  }
  dispose(): void {
    removeDir(this.broker.dir);
  }
}

class OursTarget implements Target {
  readonly name = 'ours' as const;
  private history = '';
  constructor(private readonly gw: GatewayProcess, readonly devices: DeviceLogin[]) {
    trackDir(gw.dataDir);
  }
  static async create(townshipUrl: string, deviceCount: number): Promise<OursTarget> {
    const devices = withPasswords(deviceCount);
    const gw = await GatewayProcess.prepare({
      uplinkUrl: townshipUrl,
      gatewayId: '370283104-bench-01',
      devices: devices.map((d) => ({ id: d.id, password: d.password, category: 'door' })),
      // The benchmark drives each device at full speed to measure the gateway, not the per-device rate
      // policy (100/s by default, issue 8): lift it here as an installer would for one busy device.
      override: { localBroker: { host: '127.0.0.1', port: 0, deviceRate: { perSec: 100_000, burst: 1_000_000 } } },
    });
    return new OursTarget(gw, devices);
  }
  get port(): number {
    return this.gw.localPort;
  }
  get pid(): number {
    return this.gw.pid;
  }
  async start(): Promise<void> {
    this.history += this.gw.output;
    try {
      await this.gw.start({}, true); // compiled, as a box runs it (npm run bench builds first)
    } finally {
      const proc = this.gw.proc;
      trackProcess(proc?.pid, () => proc?.kill('SIGKILL'));
    }
  }
  async kill9(): Promise<void> {
    const pid = this.gw.pid;
    await this.gw.kill9();
    untrackProcess(pid);
  }
  async stop(): Promise<void> {
    const proc = this.gw.proc;
    if (!proc) return;
    const timer = setTimeout(() => {
      this.history += '\n[bench] gateway did not exit within 15 s of SIGTERM: SIGKILL\n';
      proc.kill('SIGKILL');
    }, 15_000);
    try {
      const code = await this.gw.stop();
      if (code !== 0) this.history += `\n[bench] gateway exited with code ${code} after SIGTERM\n`;
    } finally {
      clearTimeout(timer);
      untrackProcess(proc.pid);
    }
  }
  logs(): string {
    return this.history + this.gw.output;
  }
  outboxRows(): number | null {
    const found = inspectDb(this.gw.dataDir);
    if (found.state === 'corrupt') throw new Error(`bench: the gateway's database ${found.file} is unreadable: ${found.problem}`);
    return found.state === 'ok' ? found.outboxRows : 0;
  }
  dispose(): void {
    removeDir(this.gw.dataDir);
  }
}

class BridgeTarget implements Target {
  readonly devices: DeviceLogin[];
  private readonly village: VillageMosquitto;
  constructor(readonly name: 'bridge-default' | 'bridge-unlimited', townshipPort: number, deviceCount: number) {
    this.devices = deviceIds(deviceCount).map((id, index) => ({ index, id }));
    this.village = new VillageMosquitto({ townshipPort, unlimitedQueue: name === 'bridge-unlimited' });
  }
  get port(): number {
    return this.village.port;
  }
  get pid(): number {
    return this.village.pid;
  }
  start(): Promise<void> {
    return this.village.start();
  }
  kill9(): Promise<void> {
    return this.village.stop('SIGKILL');
  }
  stop(): Promise<void> {
    return this.village.stop('SIGTERM');
  }
  logs(): string {
    return this.village.log;
  }
  outboxRows(): null {
    return null;
  }
  dispose(): void {
    rmSync(this.village.dir, { recursive: true, force: true });
  }
}

export async function createTarget(name: TargetName, township: Township, deviceCount: number): Promise<Target> {
  switch (name) {
    case 'ours':
      return OursTarget.create(township.url, deviceCount);
    case 'null-gateway':
      return new NullGatewayTarget(withPasswords(deviceCount), township.url);
    case 'bridge-default':
    case 'bridge-unlimited':
      return new BridgeTarget(name, township.port, deviceCount);
  }
}
