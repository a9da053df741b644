/**
 * The composition root (style rule 1): wires every part of the gateway from a validated config and the
 * hardware seams. The daemon's `main` and the tests both call this; only the seams differ.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { z } from 'zod';
import { CommandIds } from '../cloud-bridge/command-ids.js';
import { asCorruptDb, DB_FILE, DbFiles, openDb, type Db } from '../cloud-bridge/db.js';
import { DiskSpace } from '../cloud-bridge/disk-space.js';
import { Outbox } from '../cloud-bridge/outbox.js';
import { SeqLease } from '../cloud-bridge/seq-lease.js';
import { townshipTopics } from './kernel/topics.js';
import { Uplink } from '../cloud-bridge/uplink.js';
import type { Driver } from '../device-drivers/driver.js';
import { unavailableGpio } from '../device-drivers/gpio/gpio.js';
import type { Speaker } from '../device-drivers/loudspeaker/speaker.js';
import type { AnyDriverModule } from '../device-drivers/module.js';
import type { MqttDeviceConfig } from '../device-drivers/mqtt/config.js';
import { systemHttp } from '../device-drivers/net/http.js';
import { systemUdp } from '../device-drivers/net/udp.js';
import { OpcuaHost } from '../device-drivers/opcua/host.js';
import { defaultModules, moduleFor } from '../device-drivers/registry.js';
import type { GatewaySeams } from '../device-drivers/seams.js';
import { storeAttachment } from './attachments.js';
import { registerDriverCommands } from './commands/driver-commands.js';
import { deviceStorage } from './driver-storage.js';
import { buildAccess } from './access/wire.js';
import { registerBroadcastCommands } from './broadcast/commands.js';
import { BroadcastService } from './broadcast/service.js';
import { systemClock, type Clock } from './kernel/clock.js';
import { ClockSyncWatch, type ClockSyncWatchOptions } from './clock-sync.js';
import { eventCountsComponent } from './event-counts.js';
import { CommandRouter, type CommandDefinition } from './commands/router.js';
import { TimeFloor } from './commands/time-floor.js';
import type { Config, DeviceConfig } from './config/schema.js';
import type { Severity } from './kernel/severity.js';
import { lockDataDir, type DataDirLock } from './data-dir-lock.js';
import { DeviceStates } from './device-states.js';
import { GatewayError, isDiskFull } from './kernel/errors.js';
import { warnIfExposed } from './file-modes.js';
import { Components, type Component } from './components.js';
import { step } from './lifecycle.js';
import { LocalBroker } from './local-broker.js';
import { buildMetrics, deviceFigures } from './metrics.js';
import { buildPictures, isPicture, type Pictures } from './pictures.js';
import { Pipeline, type EventDraft } from './pipeline.js';
import { buildLocalSafety } from './reactions/local-safety.js';
import { personRulesAndPatrol } from './person-rules/wiring.js';
import { buildOpcuaServer } from './opcua-server/build.js';
import { holdAtRowsFor, RejectionReports } from './reports.js';
import { VERSION } from './version.js';
import { delayMs } from './kernel/timers.js';
import { opsServer } from './http/wire.js';
import { Reloader } from './reload.js';

export interface GatewayDeps {
  config: Config;
  log: Logger;
  clock?: Clock;
  /** Where the system clock's sync state is looked up (tests: stand-in tools on PATH); unused with `clock`. */
  clockSync?: Partial<Omit<ClockSyncWatchOptions, 'markerFile' | 'log'>>;
  /** Hardware seams to use instead of the real ones (simulated GPIO, audio, ... in tests and the demo). */
  hardware?: Partial<Omit<GatewaySeams, 'bus' | 'zones' | 'deviceActions'>>;
  /** The driver kinds to mount devices with (default: the registry's); tests add their own kinds here. */
  drivers?: readonly AnyDriverModule[];
}

export type Gateway = Awaited<ReturnType<typeof createGateway>>;

/** Devices whose driver says it is not ok (style rule 3: a broken driver is reported, not fatal). */
function degradedDevices(drivers: ReadonlyMap<string, Driver>): { device: string; status: 'degraded' | 'stopped'; detail?: string }[] {
  const out: { device: string; status: 'degraded' | 'stopped'; detail?: string }[] = [];
  for (const [device, driver] of drivers) {
    const h = driver.health();
    if (h.status !== 'ok') out.push({ device, status: h.status, ...(h.detail !== undefined ? { detail: h.detail } : {}) });
  }
  return out;
}

/** Less free space than this at start (and no room for half the reserve) is a full disk. */
const FULL_BELOW_BYTES = 1024 * 1024;

/** What SQLite reports when it cannot grow or create its files (WAL, shared memory) on a full disk. */
function fullDiskError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return isDiskFull(err) || (typeof code === 'string' && (code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CANTOPEN')));
}

export function createGateway({ config, log, clock: given, clockSync, hardware = {}, drivers: modules = defaultModules }: GatewayDeps) {
  // A given clock (tests, the demo) knows its own sync state; the system clock's is watched (issue 8, finding 20).
  const watch = given ? null : new ClockSyncWatch({ markerFile: config.gateway.clockSyncedFile, log: log.child({ component: 'clock' }), ...clockSync });
  const clock = given ?? systemClock(watch as ClockSyncWatch);
  const topics = townshipTopics({ township: config.gateway.township, gateway: config.gateway.id });
  const bootId = randomUUID();
  const startedAt = clock.now();
  let db: Db | null = null;
  let parts: Awaited<ReturnType<typeof build>> | null = null;
  let metricsTimer: NodeJS.Timeout | null = null;
  let lock: DataDirLock | null = null;
  let floorTimer: NodeJS.Timeout | null = null;
  let stopped = false;
  const disk = new DiskSpace(config.gateway.dataDir, config.outbox, log.child({ component: 'disk' }));

  async function build(database: Db) {
    let pipeline: Pipeline | null = null;
    let pictures: Pictures | null = null;
    const storage = {
      lease: new SeqLease(config.gateway.dataDir),
      files: new DbFiles(config.gateway.dataDir),
      disk,
      report: (seq: number, type: string, severity: Severity, data: Record<string, unknown>) => (pipeline as Pipeline).systemReport(seq, type, severity, data),
      evicted: (seqs: number[]) => pictures?.store.evicted(seqs),
    };
    const outbox = new Outbox(database, config.outbox, (seq, summary) => (pipeline as Pipeline).evictionReport(seq, summary), log.child({ component: 'outbox' }), storage);
    pipeline = new Pipeline({ config, outbox, clock, topics, log });
    pictures = buildPictures({ config, db: database, outbox, disk, pipeline, topics, log });
    const reports = new RejectionReports(pipeline, log.child({ component: 'reports' }), {
      intervalMs: config.reports.intervalSec * 1000,
      maxPerMinute: config.reports.maxPerMinute,
      backlog: outbox,
      holdAtRows: holdAtRowsFor(config.outbox.maxRows),
    });
    const states = new DeviceStates(outbox, topics, clock, (id) => drivers.get(id)?.health());
    let uplink: Uplink | null = null;
    const timeFloor = new TimeFloor(database);
    const router = new CommandRouter({
      config,
      ids: new CommandIds(database),
      outbox,
      topics,
      clock,
      timeFloor,
      reports,
      log: log.child({ component: 'commands' }),
      respond: (topic, payload, correlationData) => uplink?.publishVolatile(topic, payload, 1, { correlationData }),
    });
    router.register('ping', { role: null, params: z.object({}).strict(), run: async () => {} });
    uplink = new Uplink({ config: config.uplink, gatewayId: config.gateway.id, version: VERSION, bootId, outbox, topics, clock, log: log.child({ component: 'uplink' }), onCommand: (t, p, props) => router.handle(t, p, props), pictures: pictures.lane });
    const lanDevices = config.devices.filter((d) => moduleFor(modules, d.driver)?.provides?.includes('lan-login')) as MqttDeviceConfig[];
    const broker = new LocalBroker({ config: config.localBroker, devices: lanDevices, reports, log: log.child({ component: 'local-broker' }) });
    const drivers = new Map<string, Driver>();
    const { arming, reactions } = buildLocalSafety({ config, db: database, pipeline, router, drivers, clock, log });
    const access = buildAccess({ config, db: database, clock, pipeline, router, modules, actions: { act: (id, a) => seams.deviceActions.act(id, a) }, log });
    const personRules = personRulesAndPatrol({ config, db: database, pipeline, clock, log });
    const seams: GatewaySeams = {
      audio: undefined,
      amplifierPower: undefined,
      speech: undefined,
      access,
      udp: systemUdp,
      http: systemHttp,
      opcua: new OpcuaHost({ pkiDir: join(config.gateway.dataDir, 'opcua-pki'), log: log.child({ component: 'opcua' }) }),
      ...hardware,
      bus: broker,
      gpio: hardware.gpio ?? unavailableGpio('no GPIO backend was given to this gateway (the daemon passes the system one)'),
      zones: arming,
      deviceActions: {
        act: async (id, action) => {
          const driver = drivers.get(id);
          if (!driver?.handleAction) throw new Error(`device "${id}" is not mounted or takes no actions`);
          await driver.handleAction(action);
        },
        stopped: (id) => drivers.get(id)?.health().status === 'stopped',
      },
    };
    const speakers = new Map<string, Speaker>();
    // One device's driver, created and added to the maps (not started); a reload mounts with it too.
    // Issue 14: its kind's code is loaded here, on the first device of that kind, never for a kind no device names.
    const mount = async (device: DeviceConfig): Promise<Driver> => {
      const module = moduleFor(modules, device.driver);
      if (!module) throw new GatewayError('VGW_CONFIG_INVALID', `devices: no driver "${device.driver}" is registered for "${device.id}"`, false);
      // The module loader keeps each kind's code once imported: later devices and reloads reuse it.
      const create = await module.load();
      const dlog = log.child({ component: 'driver', device: device.id });
      const driver = create({
        device,
        log: dlog,
        clock,
        emit: async (e) => {
          const draft = { device: device.id, category: e.category ?? (e.type.startsWith('device.') ? 'device' : device.category), type: e.type, data: e.data };
          // A JPEG is the event's picture, the outbox's second class (issue 11); other files stay on the box.
          if (isPicture(e.attachment)) return pictures.emit(draft, e.attachment);
          await pipeline.emit(e.attachment ? { ...draft, data: { ...e.data, attachment: storeAttachment(config.gateway.dataDir, device.id, e.attachment) } } : draft);
        },
        reject: (reason, detail) => reports.reject('system.payload.rejected', 'minor', device.id, { device: device.id, reason, ...(detail.bytes !== undefined ? { bytes: detail.bytes } : {}) }),
        setState: (update) => states.update(device.id, update),
        storage: deviceStorage(database, device.id),
        seams: Object.fromEntries(module.seams.map((name) => [name, seams[name]])) as unknown as GatewaySeams,
      });
      drivers.set(device.id, driver);
      // A kind that says it plays notices hands its drivers to the broadcast queue.
      if (module.provides?.includes('speaker')) speakers.set(device.id, driver as Driver & Speaker);
      return driver;
    };
    const unmount = (id: string): void => void (drivers.delete(id), speakers.delete(id));
    for (const device of config.devices) await mount(device);
    const registerDeviceCommands = (devices: readonly DeviceConfig[]) => registerDriverCommands(router, modules, devices, drivers);
    registerDeviceCommands(config.devices);
    const broadcast = new BroadcastService({
      config,
      db: database,
      clock,
      log: log.child({ component: 'broadcast' }),
      speech: seams.speech,
      speakers,
      emit: (type, data) => pipeline.emit({ device: config.gateway.id, category: 'broadcast', type, data }),
      settle: (id, outcome) => router.settle(id, outcome),
    });
    registerBroadcastCommands(router, broadcast, config.broadcast.downloadMaxBytes);
    const opcuaServer = buildOpcuaServer({ config, modules, host: seams.opcua, router, pipeline, arming, drivers, backlog: () => outbox.depth, uplinkConnected: () => uplink.state === 'connected', queueLength: () => broadcast.queueLength, log });
    return { outbox, pipeline, reports, states, router, timeFloor, uplink, broker, drivers, broadcast, arming, reactions, storage, access, mount, unmount, registerDeviceCommands, pictures, personRules, opcuaServer };
  }

  let lastDelivered = 0;
  let lastSample = startedAt;
  let drainRate = 0;
  const sampleDrainRate = (p: NonNullable<typeof parts>): number => {
    const now = clock.now();
    if (now - lastSample >= 1000) {
      drainRate = ((p.uplink.delivered - lastDelivered) * 1000) / (now - lastSample);
      lastDelivered = p.uplink.delivered;
      lastSample = now;
    }
    return drainRate;
  };

  /**
   * Issue 8 A: writes the disk reserve where there is room; on a disk too full for even half of it (a
   * low disk only evicts), gives up its last half so the database opens, and says to start degraded.
   */
  function startOnDisk(): boolean {
    mkdirSync(config.gateway.dataDir, { recursive: true });
    disk.ensureReserve();
    const free = disk.freeBytes() ?? Infinity;
    if (free >= Math.max(config.outbox.reserveBytes / 2, FULL_BELOW_BYTES)) return false;
    disk.release('start on a full disk', true);
    return true;
  }

  /** Takes the data dir's lock; a disk too full to create the lock file gives up the reserve and tries once more. */
  function lockOnDisk(): DataDirLock {
    try {
      return lockDataDir(config.gateway.dataDir);
    } catch (err) {
      if (!fullDiskError(err) || !disk.release('lock file could not be created', true)) throw err;
      return lockDataDir(config.gateway.dataDir);
    }
  }

  /** Opens the database; a full disk gives up the reserve and tries once more, then names the fix. */
  function openOnDisk(): Db {
    try {
      return openDb(config.gateway.dataDir);
    } catch (err) {
      if (!fullDiskError(err)) throw err;
      if (disk.release('database open failed', true)) return openDb(config.gateway.dataDir);
      throw new GatewayError('VGW_DISK_FULL', `cannot open the database in gateway.dataDir "${config.gateway.dataDir}": the disk is full (${disk.freeBytes() ?? '?'} bytes free); free some space on that filesystem`, true, { cause: err });
    }
  }

  let components: Components | null = null;
  let uplinkStarted = false;
  // Issue 13: config reload (gateway/reload.ts); /healthz, /metrics, the status page and {dataDir}/status.sock (gateway/http/).
  let current = config;
  const reloader = new Reloader({ modules, current: () => current, adopt: (c) => void (current = c), parts: () => started(), log: log.child({ component: 'reload' }) });
  const ops = opsServer({ parts: () => started(), config: () => current, lastReload: () => reloader.outcome, clock, bootId, startedAt, drainRate: () => sampleDrainRate(started()), failedComponents: () => reloader.failures(gateway.inspect().failedComponents), log: log.child({ component: 'http' }) });

  /**
   * The gateway's components in start order (issue 9, item 3); they stop in reverse: timers, notices,
   * reactions, drivers, arming, the clock watch, the local broker (intake ends), the uplink's last
   * drain, the database, the lock.
   */
  function componentList(): Component[] {
    let fullAtStart = false;
    const p = () => parts as NonNullable<typeof parts>;
    const driverOf = (id: string): Driver => p().drivers.get(id) as Driver;
    // A driver that starts degraded or fails says so on devices/{id}/state at once, not at its next state.
    const startDriver = async (id: string, signal: AbortSignal): Promise<void> => {
      try {
        await driverOf(id).start(signal);
      } finally {
        if (driverOf(id).health().status === 'degraded') await p().states.update(id, {}).catch((err: unknown) => log.error({ err, device: id }, 'device health not stored'));
      }
    };
    const list: Component[] = [
      // Before anything is written: a second gateway on this directory stops here (issue 8, finding 19).
      { name: 'data dir lock', start: () => void (lock = lockOnDisk()), stop: () => lock?.release() },
      { name: 'check disk space', startMs: 30_000, start: () => void (fullAtStart = startOnDisk()) },
      {
        name: 'database',
        start: async () => {
          const database = (db = openOnDisk());
          warnIfExposed(log, join(config.gateway.dataDir, DB_FILE), 'the database');
          if (config.uplink.passwordFile) warnIfExposed(log, config.uplink.passwordFile, 'the uplink password');
          const built = (parts = await build(database));
          try {
            built.outbox.start();
          } catch (err) {
            built.storage.lease.close();
            database.close();
            throw asCorruptDb(config.gateway.dataDir, err);
          }
          if (fullAtStart) built.outbox.markDiskFull('start on a full disk');
          built.pictures.store.start();
          built.outbox.on('commitFailed', (err) => log.error({ err, code: (err as { code?: unknown }).code }, 'outbox commit failed; devices were not acknowledged and will resend'));
        },
        stop: () => {
          p().outbox.stop();
          p().outbox.flush();
          p().outbox.flushAcks();
          db?.close();
          p().storage.lease.close();
        },
      },
      // Right after the database: stops (writing the last counts) once every other part has stopped emitting.
      eventCountsComponent({ pipeline: () => p().pipeline, db: () => db as Db, clock, flushSec: config.eventCounts.flushSec, log: log.child({ component: 'event-counts' }) }),
      ...ops.components(),
      // Stops after the local broker: what intake committed last is flushed and sent before the offline status.
      {
        name: 'uplink drain',
        stopMs: 7000,
        stop: async () => {
          p().reports.flush();
          p().pictures.drops.flush();
          await new Promise<void>((r) => setImmediate(() => { p().outbox.flush(); r(); }));
          if (uplinkStarted) await step(log, 'stop uplink', 5000, () => p().uplink.stop());
        },
      },
      // The port first: a start that fails on it (EADDRINUSE) must leave no `system.started` behind.
      { name: 'local broker', start: () => p().broker.start(), stopMs: 3000, stop: () => p().broker.stop() },
      {
        name: 'system events',
        start: async () => {
          // Issue 8 D: stored nowhere (the file is gone), so said once on the uplink and in the log.
          p().outbox.once('fault', (err) => {
            const report = p().pipeline.unstoredSystem('system.database.lost', 'critical', { code: err.code, message: err.message });
            p().uplink.publishVolatile(report.topic, report.payload, 1);
          });
          const clockState = (st: { synced: boolean; source: string }) =>
            p().pipeline.system(st.synced ? 'system.clock.synced' : 'system.clock.unsynced', st.synced ? 'info' : 'minor', { source: st.source }).catch((err: unknown) => log.error({ err }, 'clock sync event not stored'));
          if (watch) await step(log, 'detect clock sync', 10_000, () => watch.start((st) => void clockState(st)));
          // On a full disk an info event is refused (and counted); the start goes on regardless.
          await p().pipeline.system('system.started', 'info', { version: VERSION, bootId }).catch((err: unknown) => {
            if ((err as { code?: unknown }).code !== 'VGW_DISK_FULL') throw err;
          });
          const skipped = p().outbox.skippedAtStart;
          if (skipped) await p().pipeline.system('system.seq.skipped', 'major', { ...skipped, reason: 'database-replaced' });
          // Said once per start, not only in each event's `clock` field: the township sees why at once.
          if (watch && !watch.state.synced) await clockState(watch.state);
        },
        stop: () => watch?.stop(),
      },
      { name: 'uplink', start: () => void (p().uplink.start(), (uplinkStarted = true)) },
      { name: 'arming state', start: () => p().arming.start(), stop: () => p().arming.stop() },
      { name: 'access records', start: () => p().access.start(), stop: () => p().access.stop() },
      { name: 'person rules and patrol', start: () => p().personRules.start(), stop: () => p().personRules.stop() },
      // Style rule 3: one broken device must not take the gateway down with it. Stopped first of the
      // intake: once detached, their devices' publishes are refused (no PUBACK, so they resend after
      // the restart) instead of reading as "device offline" when only the gateway stops.
      ...config.devices.map(({ id }): Component => ({ name: `driver ${id}`, optional: 'driver failed to start; device degraded', start: (signal) => startDriver(id, signal), stop: () => p().drivers.get(id)?.stop() })),
      reloader.component(),
      { name: 'reactions', stop: () => p().reactions.stop() },
      { name: 'opcua server', optional: 'OPC UA server failed to start; the gateway runs without it', startMs: 60_000, start: () => p().opcuaServer?.start(), stop: () => p().opcuaServer?.stop() },
      // Before the drivers: a notice cut off here stays queued and plays again after the restart.
      { name: 'broadcast queue', optional: 'broadcast queue failed to start; notices wait until the next start', start: () => p().broadcast.start(), stopMs: 3000, stop: () => p().broadcast.stop() },
      {
        name: 'timers',
        start: () => {
          // A synced clock is written down now and hourly: after a reboot with the clock behind, expiry is judged by it.
          p().timeFloor.observe(clock);
          floorTimer = setInterval(() => p().timeFloor.observe(clock), 3600_000);
          floorTimer.unref();
          const every = config.uplink.metricsIntervalSec * 1000;
          if (every > 0) {
            metricsTimer = setInterval(() => p().uplink.publishVolatile(topics.metrics, JSON.stringify(gateway.metrics())), delayMs(every));
            metricsTimer.unref();
          }
        },
        stop: () => {
          if (metricsTimer) clearInterval(metricsTimer);
          if (floorTimer) clearInterval(floorTimer);
        },
      },
    ];
    return list;
  }

  const gateway = {
    /** The config in force (a reload replaces it). */
    get config(): Config {
      return current;
    },
    topics,
    bootId,
    get db(): Db {
      if (!db) throw new Error('gateway not started');
      return db;
    },
    get localPort(): number {
      return parts?.broker.port ?? 0;
    },
    /** The ops views: `port` of the LAN HTTP server, `status()` snapshot (issue 13). */
    ops,
    /** Reads `file` and applies what changed, or refuses it and keeps the old config (gateway/reload.ts). */
    reload: (file: string) => reloader.reload(file),

    metrics() {
      const p = started();
      return buildMetrics({
        clock,
        startedAt,
        dataDir: config.gateway.dataDir,
        uplink: p.uplink,
        outbox: p.outbox,
        accepted: () => p.pipeline.acceptedTotal,
        rejected: () => p.reports.total,
        commands: p.router,
        devices: { online: p.states.onlineCount, total: current.devices.length, degraded: degradedDevices(p.drivers), figures: deviceFigures(p.drivers) },
        drainRate: () => sampleDrainRate(p),
      }, p.pictures.counts());
    },

    /** A snapshot of the gateway's counters and states, for tests, the demo and diagnostics (issue 9). */
    inspect() {
      const p = started();
      return {
        backlog: p.outbox.depth,
        oldestAgeMs: p.outbox.oldestAgeMs(),
        evicted: p.outbox.evicted,
        refused: p.outbox.refused,
        diskFull: p.outbox.diskFull,
        skippedAtStart: p.outbox.skippedAtStart,
        accepted: p.pipeline.acceptedTotal,
        uplinkState: p.uplink.state,
        commandsReady: p.uplink.commandsReady,
        reconnects: p.uplink.reconnects,
        commands: { executed: p.router.executed, rejected: p.router.rejected, names: p.router.names() },
        /** Rejected input reported, in all and by subject (a device id, a key id, `(others)`). */
        rejections: { total: p.reports.total, bySubject: p.reports.counts as ReadonlyMap<string, number> },
        /** Connections the local broker refused, by reason. */
        lanRefusals: p.broker.refusals as ReadonlyMap<string, number>,
        busSubscribers: p.pipeline.bus.subscribers,
        /** Camera pictures (issue 11): waiting (count, bytes), sent, dropped, refused. */
        snapshots: p.pictures.counts(),
        failedComponents: (components?.failed ?? []).map((f) => ({ name: f.name, message: f.error.message })),
      };
    },

    /** What tests may do besides watching the outside (issue 9): the few operations they need. */
    testApi: {
      /** Publishes an event as a driver or the gateway would (through the pipeline and the bus). */
      emit: (draft: EventDraft) => started().pipeline.emit(draft),
      /** Adds a command definition, as a driver kind or a service does at build time. */
      registerCommand: (name: string, definition: CommandDefinition) => started().router.register(name, definition),
      /** Hands the router a command as the uplink would. */
      handleCommand: (topic: string, payload: Buffer) => started().router.handle(topic, payload),
      /** Publishes to a LAN device's `dev/{id}/cmd`. */
      sendToDevice: (device: string, payload: Buffer) => started().broker.sendCommand(device, payload),
      /** Rows of the outbox in drain order (see Outbox.page). */
      outboxPage: (prio: number, id: number, limit: number) => started().outbox.page(prio, id, limit),
      /** Whether a zone is armed. */
      isArmed: (zone: string) => started().arming.isArmed(zone),
    },

    async start(): Promise<void> {
      const list = new Components(log, componentList());
      components = list;
      try {
        await list.start();
      } catch (err) {
        stopped = true;
        throw err;
      }
      const p = started();
      log.info({ gateway: config.gateway.id, version: VERSION, bootId, backlog: p.outbox.depth, localPort: p.broker.port }, 'gateway started');
    },

    /** Graceful stop: intake first, then flush, offline status, database; bounded in time. */
    async stop(reason = 'shutdown'): Promise<void> {
      if (stopped || !parts || !db || !components) return;
      stopped = true;
      const p = parts;
      log.info({ reason, backlog: p.outbox.depth }, 'gateway stopping');
      await components.stop();
      log.info({ backlog: p.outbox.depth }, 'gateway stopped');
    },
  };

  function started(): NonNullable<typeof parts> {
    if (!parts) throw new Error('gateway not started');
    return parts;
  }
  return gateway;
}
