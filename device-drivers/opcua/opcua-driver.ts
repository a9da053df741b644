/**
 * The daemon's side of an `opcua` device (issue 15). node-opcua runs in the child process (host.ts);
 * this driver mounts the device there, judges each reported value against the item's last committed
 * memory (rules.ts) and acknowledges the report only after its events, state and memory are committed
 * (ctx.emit resolves after commit), as the local broker's PUBACK does. The child keeps a report until
 * then and sends it again; a killed child loses its unacknowledged reports, but on every (re)subscribe
 * the server sends each item's current value (OPC 10000-4 §5.12.1.2: the first notification of a new
 * monitored item is its current value), which this driver compares with the committed memory: a change
 * that was never acknowledged is emitted then. What the server no longer holds (a pulse shorter than
 * the outage) cannot be recovered from any OPC UA server without history; that is said in the README.
 */
import { readFileSync, statSync } from 'node:fs';
import type { DeviceAction, Driver, DriverContext, DriverHealth } from '../driver.js';
import type { OpcuaDeviceConfig } from './config.js';
import type { OpcuaHost, HostMessage, OpcuaUser } from './host.js';
import type { FromChild, MountSpec, ValueReport } from './ipc.js';
import { judge, type ItemMemory, type Scalar } from './rules.js';

export interface OpcuaSeams {
  /** The gateway's OPC UA child process. */
  opcua: OpcuaHost;
}

/** How long a write may take before its command fails. */
const WRITE_TIMEOUT_MS = 15_000;

type WriteResult = Extract<FromChild, { t: 'write-result' }>;

export function createOpcuaDriver(ctx: DriverContext<OpcuaSeams, OpcuaDeviceConfig>): Driver {
  const { device: d, seams, log } = ctx;
  const items = new Map(d.items.map((i) => [i.name, i]));
  const memory = new Map<string, ItemMemory>();
  const writes = new Map<number, (r: WriteResult) => void>();
  let password: string | undefined;
  let health: DriverHealth = { status: 'ok', online: false };
  const openFaults = new Set<string>();
  let running = false;
  let chain = Promise.resolve();
  let nextReq = 1;

  const remembered = (name: string): ItemMemory => {
    const held = memory.get(name);
    if (held) return held;
    const stored = ctx.storage.get(`item:${name}`);
    const m = stored ? (JSON.parse(stored) as ItemMemory) : {};
    memory.set(name, m);
    return m;
  };
  const values = (): Record<string, Scalar> => Object.fromEntries([...items.keys()].flatMap((n) => { const v = remembered(n).value; return v === undefined ? [] : [[n, v]]; }));

  const spec = (): MountSpec => ({
    device: d.id,
    endpoint: d.endpoint,
    security: d.security,
    user: d.user && password !== undefined ? { name: d.user, password } : undefined,
    publishingIntervalMs: d.publishingIntervalMs,
    reconnectMaxMs: d.reconnectMaxMs,
    items: d.items.map((i) => ({ name: i.name, nodeId: i.nodeId, browsePath: i.browsePath, samplingIntervalMs: i.samplingIntervalMs })),
  });

  const onValue = async (r: ValueReport): Promise<void> => {
    const item = items.get(r.item);
    if (!item) return;
    const prev = remembered(r.item);
    const j = judge(item, prev, r.value, r.status);
    for (const e of j.events) await ctx.emit({ type: e.type, data: { ...e.data, ...(r.sourceTs ? { sourceTs: r.sourceTs } : {}) } });
    if (JSON.stringify(j.memory) !== JSON.stringify(prev)) {
      ctx.storage.set(`item:${r.item}`, JSON.stringify(j.memory));
      memory.set(r.item, j.memory);
    }
    if (j.mirrored) await ctx.setState({ online: health.online, state: values() });
    // Only now, with everything committed, may the child forget the report.
    seams.opcua.send({ t: 'ack', device: d.id, seq: r.seq });
  };

  /**
   * The link is down. A lost connection is `device.offline` (an outage, retried); a failing connect or
   * a dead child is also a `device.fault`, once per kind until the device is online again.
   */
  const down = async (fault: string | null, message: string): Promise<void> => {
    const wasOnline = health.online;
    health = { status: 'degraded', online: false, detail: message };
    for (const [req, done] of writes) done({ t: 'write-result', device: d.id, req, ok: false, message: `the connection to ${d.endpoint} is down: ${message}` });
    const newFault = fault !== null && !openFaults.has(fault);
    if (!wasOnline && !newFault) return; // the same episode, told once
    log.warn({ device: d.id, endpoint: d.endpoint, fault, message }, 'opcua device unreachable');
    if (fault !== null && newFault) {
      openFaults.add(fault);
      await ctx.emit({ type: 'device.fault', data: { fault, endpoint: d.endpoint, message } });
    }
    // The contract's reasons (docs/schemas/event.json deviceStatusData); the cause is in the fault and the log.
    if (wasOnline) await ctx.emit({ type: 'device.offline', data: { reason: 'disconnect' } });
    await ctx.setState({ online: false });
  };

  const up = async (): Promise<void> => {
    health = { status: 'ok', online: true };
    for (const fault of openFaults) await ctx.emit({ type: 'device.fault.cleared', data: { fault, endpoint: d.endpoint } });
    openFaults.clear();
    log.info({ device: d.id, endpoint: d.endpoint }, 'opcua device online');
    await ctx.emit({ type: 'device.online', data: { reason: 'connect' } });
    await ctx.setState({ online: true, state: values() });
  };

  const handle = async (m: HostMessage): Promise<void> => {
    switch (m.t) {
      case 'value':
        return onValue(m);
      case 'online':
        return up();
      case 'offline':
        return down(m.reason === 'connection-lost' ? null : m.reason === 'connect-failed' ? 'opcua-connect' : 'opcua-item', m.message);
      case 'child-down':
        return down('opcua-child', m.message);
      case 'write-result':
        return writes.get(m.req)?.(m);
      default:
        return;
    }
  };

  const user: OpcuaUser = {
    deliver: (m) => {
      // Write results answer at once; reports are handled one at a time, in the child's order.
      if (m.t === 'write-result') return void handle(m);
      chain = chain.then(() => handle(m)).catch((err: unknown) => log.error({ err, device: d.id, message: m.t }, 'opcua report not committed; the child sends it again'));
    },
    setup: () => [{ t: 'mount', spec: spec() }],
    teardown: () => ({ t: 'unmount', device: d.id }),
  };

  return {
    async start() {
      if (d.passwordFile) password = readPassword(d.id, d.passwordFile, (mode) => log.warn({ device: d.id, file: d.passwordFile, mode, fix: `chmod 600 ${d.passwordFile}` }, 'file readable by group or others'));
      running = true;
      // Not waited for: a server that is down at start is a degraded device, reported, not a failed start.
      seams.opcua.attach(d.id, user);
    },
    async stop() {
      if (!running) return;
      running = false;
      health = { ...health, status: 'stopped' };
      await seams.opcua.detach(d.id);
      for (const [req, done] of writes) done({ t: 'write-result', device: d.id, req, ok: false, message: 'the gateway is stopping' });
      await chain;
    },
    health: () => health,
    async handleAction(action: DeviceAction) {
      if (action.name !== 'write') throw new Error(`device "${d.id}" takes the action "write", not "${action.name}"`);
      const { item: name, value } = action.params as { item?: unknown; value?: unknown };
      const item = typeof name === 'string' ? items.get(name) : undefined;
      if (!item?.writable) throw new Error(`item "${String(name)}" of "${d.id}" is not writable; writable items: ${d.items.filter((i) => i.writable).map((i) => i.name).join(', ') || 'none (set writable: true on an item)'}`);
      if (!health.online) throw new Error(`device "${d.id}" is offline (${health.detail ?? 'not connected yet'}); the value was not written`);
      const req = nextReq++;
      const result = await new Promise<WriteResult>((resolve) => {
        const timer = setTimeout(() => resolve({ t: 'write-result', device: d.id, req, ok: false, message: `no answer from ${d.endpoint} in ${WRITE_TIMEOUT_MS / 1000} s` }), WRITE_TIMEOUT_MS);
        writes.set(req, (r) => (clearTimeout(timer), writes.delete(req), resolve(r)));
        seams.opcua.send({ t: 'write', device: d.id, req, item: item.name, value });
      });
      if (!result.ok) throw new Error(`write of ${item.name} on "${d.id}" failed: ${result.message}`);
      log.info({ device: d.id, item: item.name, value }, 'opcua value written');
    },
  };
}

/** The password of a device's user, from its file; the error names the device, the key and the fix. */
function readPassword(device: string, file: string, exposed: (mode: string) => void): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
    const mode = statSync(file).mode;
    if ((mode & 0o077) !== 0) exposed(`0${(mode & 0o777).toString(8)}`);
  } catch (err) {
    throw new Error(`device "${device}": passwordFile "${file}" cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); write the OPC UA user's password there (chmod 600) or fix devices[].passwordFile`, { cause: err });
  }
  const password = text.replace(/\r?\n$/, '');
  if (!password) throw new Error(`device "${device}": passwordFile "${file}" is empty; write the OPC UA user's password there`);
  return password;
}
