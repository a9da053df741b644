/**
 * The camera driver (issue 11): alarms from ONVIF PullPoint and/or the ISAPI alertStream become events
 * (`camera.motion`, `camera.tamper`, `camera.input`, rule types) after the time windows and alarm
 * hygiene, each with a snapshot attached — or `data.snapshotError` when the picture failed, never a
 * lost or held-up event beyond the snapshot's time limit. Health checks report `device.offline` /
 * `device.online` with the outage and `camera.clock.drift`; the figures go to the device's state.
 */
import { readFileSync } from 'node:fs';
import { isoLocal } from '../../gateway/kernel/clock.js';
import type { Attachment, Driver, DriverContext, DriverHealth } from '../driver.js';
import { AlertStream, type IsapiAlert } from './alert-stream.js';
import { CameraHttp, CameraHttpError, type CameraCredentials } from './camera-http.js';
import type { CameraConfig } from './config.js';
import { onvifActive, typeFor } from './event-map.js';
import { HealthWatch, type CheckResult } from './health-watch.js';
import { Hygiene, type Burst } from './hygiene.js';
import { OnvifClient, type OnvifNotification } from './onvif.js';
import { PullPoint } from './pullpoint.js';
import { fetchSnapshot } from './snapshot.js';
import { inAnyWindow } from './windows.js';

/** Reads the camera's password file; the message names the key and the fix, never the contents. */
export function readCameraPassword(d: Pick<CameraConfig, 'id' | 'passwordFile'>): string {
  try {
    return readFileSync(d.passwordFile as string, 'utf8').trim();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new Error(`passwordFile "${d.passwordFile}" of camera "${d.id}" cannot be read (${code}); put the camera's password there, readable by the gateway's user`);
  }
}

export function createCamera(ctx: DriverContext<object, CameraConfig>): Driver {
  const { device: d, log, clock } = ctx;
  const base = new URL(d.url);
  let health: DriverHealth = { status: 'stopped', online: false };
  let http: CameraHttp | null = null;
  let onvif: OnvifClient | null = null;
  let pullpoint: PullPoint | null = null;
  let stream: AlertStream | null = null;
  let watch: HealthWatch | null = null;
  let abort = new AbortController();
  let loops: Promise<void>[] = [];
  let snapshotUrl: string | null = d.snapshot.url ? new URL(d.snapshot.url, base).toString() : null;
  const counts = { triggers: 0, masked: 0, events: 0, snapshots: 0, snapshotFailures: 0, lastSnapshotError: null as string | null };
  let lastFound = '';
  const pending = new Set<Promise<void>>();
  const record = (what: string, run: () => Promise<void>): void => {
    const p = run().catch((err: unknown) => log.error({ err, what }, 'camera could not record an event'));
    pending.add(p);
    void p.finally(() => pending.delete(p));
  };

  const state = () => ({
    reachable: watch?.online ?? null,
    driftSec: watch?.driftMs === null || watch?.driftMs === undefined ? null : Math.round(watch.driftMs / 100) / 10,
    checks: watch?.checks ?? 0,
    outages: watch?.outages ?? 0,
    lastError: watch?.lastError ?? null,
    alarms: { triggers: counts.triggers, masked: counts.masked, events: counts.events },
    snapshots: { ok: counts.snapshots, failed: counts.snapshotFailures, lastError: counts.lastSnapshotError },
    ...(pullpoint ? { onvif: { subscriptions: pullpoint.stats.subscriptions, renewals: pullpoint.stats.renewals, rebuilds: pullpoint.stats.rebuilds, pulls: pullpoint.stats.pulls, lastError: pullpoint.stats.lastError } } : {}),
    ...(stream ? { isapi: { connects: stream.stats.connects, drops: stream.stats.drops, alerts: stream.stats.alerts, duplicates: stream.stats.duplicates, malformed: stream.stats.malformed, lastError: stream.stats.lastError } } : {}),
  });
  const mirror = () => record('state', () => ctx.setState({ online: health.online, state: state() }));

  const snapshot = async (): Promise<{ attachment?: Attachment; error?: { reason: string; detail: string } }> => {
    if (!http) return { error: { reason: 'stopped', detail: 'the camera driver stopped' } };
    if (!snapshotUrl && onvif) snapshotUrl = await onvif.snapshotUri().catch(() => null);
    if (!snapshotUrl) return { error: { reason: 'no-uri', detail: 'no snapshot.url configured and the camera gave no ONVIF snapshot URI' } };
    const r = await fetchSnapshot(http, snapshotUrl, { timeoutMs: d.snapshot.timeoutMs, maxBytes: d.snapshot.maxBytes, signal: abort.signal });
    if (r.ok) {
      counts.snapshots++;
      return { attachment: { bytes: r.bytes, contentType: 'image/jpeg' } };
    }
    counts.snapshotFailures++;
    counts.lastSnapshotError = r.error.reason;
    log.warn({ reason: r.error.reason, detail: r.error.detail }, 'camera snapshot failed; event sent without it');
    return { error: r.error };
  };

  const report = (b: Burst): void =>
    record(b.type, async () => {
      const shot = d.snapshot.enabled ? await snapshot() : {};
      const data: Record<string, unknown> = { ...b.detail, count: b.count };
      if (b.count > 1 || b.merged) Object.assign(data, { firstAt: isoLocal(b.firstAt), lastAt: isoLocal(b.lastAt), merged: b.merged });
      if (shot.error) data.snapshotError = shot.error;
      counts.events++;
      log.info({ type: b.type, count: b.count, snapshot: shot.attachment ? 'ok' : (shot.error?.reason ?? 'off') }, 'camera alarm');
      await ctx.emit({ type: b.type, data, attachment: shot.attachment });
      mirror();
    });

  const hygiene = new Hygiene(d.hygiene, () => clock.now(), report);

  const trigger = (type: string, detail: Record<string, unknown>): void => {
    counts.triggers++;
    if (!inAnyWindow(d.hygiene.windows, new Date(clock.now()))) {
      counts.masked++;
      return;
    }
    hygiene.trigger(type, detail);
  };

  const onNotification = (n: OnvifNotification): void => {
    const type = typeFor(n.topic, d.rules, 'onvif');
    if (!type || !onvifActive(n)) return;
    trigger(type, { source: 'onvif', topic: n.topic, ...(Object.keys(n.source).length ? { region: n.source } : {}), ...(n.utcTime ? { cameraTime: n.utcTime } : {}) });
  };

  const onAlert = (a: IsapiAlert): void => {
    const type = typeFor(a.eventType, d.rules, 'isapi');
    if (!type) return;
    trigger(type, { source: 'isapi', eventType: a.eventType, channel: a.channel, ...(a.dateTime ? { cameraTime: a.dateTime } : {}), ...(a.description ? { description: a.description } : {}) });
  };

  const check = async (): Promise<CheckResult> => {
    const c = http as CameraHttp;
    if (onvif) return { driftMs: (await onvif.systemDateAndTime(abort.signal)).driftMs };
    // Without ONVIF any HTTP answer (even a refused login) shows the camera is there.
    await c.fetch(d.url, { timeoutMs: d.health.timeoutMs, maxBytes: 256 * 1024, signal: abort.signal }).catch((err: unknown) => {
      if (!(err instanceof CameraHttpError && (err.reason === 'http-401' || err.reason === 'too-large'))) throw err;
    });
    return {};
  };

  const hooks = {
    offline: (since: number, reason: string) => {
      health = { status: 'degraded', online: false, detail: `unreachable since ${isoLocal(since)} (${reason})` };
      log.warn({ reason }, 'camera offline');
      // The contract's device status shape (docs/schemas/event.json deviceStatusData): why, since when, and the detail.
      record('device.offline', () => ctx.emit({ type: 'device.offline', data: { reason: 'unreachable', since: isoLocal(since), detail: reason.slice(0, 200) } }));
    },
    online: (outageMs: number, since: number) => {
      health = { status: 'ok', online: true };
      log.info({ outageSec: outageMs / 1000 }, 'camera online again');
      record('device.online', () => ctx.emit({ type: 'device.online', data: { reason: 'reachable', since: isoLocal(since), outageSec: Math.round(outageMs / 100) / 10 } }));
    },
    drift: (driftMs: number, over: boolean) => {
      log.warn({ driftSec: driftMs / 1000, over }, 'camera clock drift');
      if (over) record('camera.clock.drift', () => ctx.emit({ type: 'camera.clock.drift', data: { driftSec: Math.round(driftMs / 100) / 10, maxSec: d.health.driftMaxSec } }));
    },
    checked: () => {
      if (watch?.online && !health.online) health = { status: 'ok', online: true };
      // Checks run every few seconds; the retained state changes only when what they found did.
      const found = JSON.stringify([watch?.online, watch?.lastError, Math.round((watch?.driftMs ?? 0) / 1000)]);
      if (found !== lastFound) mirror();
      lastFound = found;
    },
  };

  return {
    async start() {
      abort = new AbortController();
      let creds: CameraCredentials | null = null;
      if (d.user) {
        try {
          creds = { user: d.user, password: readCameraPassword(d) };
        } catch (err) {
          health = { status: 'degraded', online: false, detail: (err as Error).message };
          log.error({ detail: health.detail }, 'camera not started');
          mirror();
          return;
        }
      }
      http = new CameraHttp(creds);
      if (d.onvif) onvif = new OnvifClient(http, base, d.onvif.path, creds, () => clock.now(), d.health.timeoutMs);
      watch = new HealthWatch(check, d.health, () => clock.now(), hooks);
      health = { status: 'ok', online: false };
      await watch.start();
      // Looked up now, so the first alarm does not wait for it (and again at an alarm if this failed).
      if (!snapshotUrl && onvif && d.snapshot.enabled) void onvif.snapshotUri().then((u) => void (snapshotUrl ??= u), () => {});
      if (d.onvif && d.onvif.events && onvif) {
        pullpoint = new PullPoint(onvif, d.onvif, d.health.timeoutMs, () => clock.now(), log, onNotification);
        loops.push(pullpoint.run(abort.signal));
      }
      if (d.isapi) {
        stream = new AlertStream(http, new URL(d.isapi.path, base).toString(), d.isapi, d.health.timeoutMs, log, onAlert, (bytes) => ctx.reject('too-large', { bytes }));
        loops.push(stream.run(abort.signal));
      }
    },
    async stop() {
      abort.abort();
      hygiene.stop();
      await watch?.stop();
      await Promise.all(loops);
      loops = [];
      await Promise.all([...pending]);
      health = { status: 'stopped', online: false };
    },
    health: () => health,
    figures: () => {
      const s = state();
      return {
        reachable: s.reachable === null ? null : s.reachable ? 1 : 0,
        outages: s.outages,
        driftSec: s.driftSec,
        snapshotsOk: s.snapshots.ok,
        snapshotsFailed: s.snapshots.failed,
        alarmTriggers: s.alarms.triggers,
        alarmsMasked: s.alarms.masked,
        alarmEvents: s.alarms.events,
      };
    },
  };
}
