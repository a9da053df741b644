/**
 * Faults: the township stopped for a few seconds during a paced stream (optionally with a kill -9 of
 * the village side), and the drain of a large backlog buffered while the township was down.
 */
import { missing, settle, sleep, sleepUntil, withRun } from './harness.js';
import { PARAMS, log } from './params.js';
import { ForeignCpu, memory } from './proc-stats.js';
import { now, waitUntil } from './subscriber.js';
import type { Target, TargetName } from './targets.js';

export interface OutageRun {
  published: number;
  acked: number;
  received: number;
  /** PUBACKed by the village side, never delivered to the township subscriber. */
  lost: number;
  duplicates: number;
  /** A few lost events as `device/n`, to look them up in the logs. */
  lostSample: string[];
}

export function outageRun(name: TargetName, kill: boolean, run: number): Promise<OutageRun> {
  const perDevice = Math.ceil(PARAMS.outageEvents / PARAMS.devices);
  const label = kill ? 'outage-kill9' : 'outage';
  return withRun(name, `${label}-${run}`, perDevice, async ({ township, target, sub, devices }) => {
    const t0 = performance.now();
    const publishing = devices.paced(PARAMS.outageRate);
    let upAt = 0;
    const townshipTimeline = (async () => {
      await sleepUntil(t0, PARAMS.outageAtMs);
      await township.stop();
      log(`  ${label} ${name}: township down at ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      await sleepUntil(t0, PARAMS.outageAtMs + PARAMS.outageMs);
      upAt = now(); // before start(): the uplink may be back before start() returns
      await township.start();
      log(`  ${label} ${name}: township up at ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    })();
    const villageTimeline = (async () => {
      if (!kill) return;
      await sleepUntil(t0, PARAMS.outageAtMs + PARAMS.killAfterOutageMs);
      await target.kill9();
      log(`  ${label} ${name}: village side kill -9 at ${((performance.now() - t0) / 1000).toFixed(1)} s (${devices.ackedCount} acked so far)`);
      await sleep(PARAMS.killDownMs);
      await target.start();
      log(`  ${label} ${name}: village side up again at ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    })();
    await Promise.all([publishing, townshipTimeline, villageTimeline]);
    if (!(await devices.waitAcked(30_000))) log(`  ${label} ${name}: ${devices.outstanding} publishes never acknowledged (not counted as sent)`);
    await settle(devices, sub, upAt);
    const lostKeys = missing(devices, sub);
    const r: OutageRun = {
      published: devices.published,
      acked: devices.ackedCount,
      received: sub.unique,
      lost: lostKeys.length,
      duplicates: sub.dups,
      lostSample: lostKeys.slice(0, 5).map((k) => `bench-${Math.floor(k / perDevice)}/${k % perDevice}`),
    };
    log(`  ${label} ${name} #${run}: acked ${r.acked}, received ${r.received}, LOST ${r.lost}, duplicates ${r.duplicates}`);
    return r;
  });
}

export interface DrainRun {
  events: number;
  acked: number;
  ingestPerSec: number;
  /** Events / (last arrival − township start): includes the gateway's reconnect. */
  drainPerSec: number;
  /** Events / (last arrival − first arrival). */
  drainSteadyPerSec: number;
  reconnectMs: number;
  received: number;
  lost: number;
  criticals: number;
  criticalsReceived: number;
  criticalFirst: boolean;
  hwmMiB: number;
  /** CPU of every other process on the machine during the drain, % of a core. */
  otherCpuPct: number;
}

export function drainRun(run: number): Promise<DrainRun> {
  const perDevice = Math.ceil(PARAMS.drainEvents / PARAMS.devices);
  const isCritical = (n: number): boolean => n % PARAMS.criticalEvery === 0;
  return withRun('ours', `drain-${run}`, perDevice, async ({ township, target, sub, devices }) => {
    await township.stop();
    const t0 = now();
    const progress = setInterval(() => log(`  drain #${run}: ${devices.ackedCount} events buffered`), 5_000);
    try {
      await devices.burst(PARAMS.window, (_d, n) => (isCritical(n) ? 'panic.pressed' : 'door.opened'));
    } finally {
      clearInterval(progress);
    }
    const ingestPerSec = devices.ackedCount / ((now() - t0) / 1000);
    const upAt = now();
    await township.start();
    // The drain phase only: before it the township was down (and its pid changes on a restart).
    const other = new ForeignCpu(() => [target.pid, township.pid]);
    other.start();
    const s = sub;
    await waitUntil(() => s.unique >= devices.ackedCount, Math.max(PARAMS.hardCapMs, 180_000), 'the backlog at the township');
    await settle(devices, sub, upAt);
    await outboxEmptyAfterDrain(target, run);
    let maxCritical = -1;
    let minOther = Infinity;
    let criticals = 0;
    let criticalsReceived = 0;
    for (let k = 0; k < sub.seen.length; k++) {
      const critical = isCritical(k % perDevice);
      if (critical) criticals++;
      if (!sub.seen[k]) continue;
      if (critical) {
        criticalsReceived++;
        maxCritical = Math.max(maxCritical, sub.order[k]!);
      } else minOther = Math.min(minOther, sub.order[k]!);
    }
    const r: DrainRun = {
      events: PARAMS.drainEvents,
      acked: devices.ackedCount,
      ingestPerSec,
      drainPerSec: sub.unique / ((sub.lastUnique - upAt) / 1000),
      drainSteadyPerSec: (sub.unique - 1) / ((sub.lastUnique - sub.firstUnique) / 1000),
      reconnectMs: sub.firstUnique - upAt,
      received: sub.unique,
      lost: missing(devices, sub).length,
      criticals,
      criticalsReceived,
      criticalFirst: criticalsReceived === criticals && maxCritical < minOther,
      hwmMiB: memory(target.pid).hwmMiB,
      otherCpuPct: other.stop(),
    };
    log(`  drain #${run}: ${r.received}/${r.acked} at ${r.drainPerSec.toFixed(0)} ev/s (steady ${r.drainSteadyPerSec.toFixed(0)}, first after ${r.reconnectMs.toFixed(0)} ms), critical first: ${r.criticalFirst}, lost ${r.lost}, HWM ${r.hwmMiB.toFixed(1)} MiB, others ${r.otherCpuPct.toFixed(0)} %`);
    return r;
  });
}

/**
 * Invariant (issue 8 C): once the township has the whole backlog, the outbox is empty. Deletes are
 * batched (100 ms), so this waits a little; rows left after that were stranded, and the run fails.
 */
async function outboxEmptyAfterDrain(target: Target, run: number): Promise<void> {
  let left = target.outboxRows();
  if (left === null) return;
  const until = Date.now() + 10_000;
  while (left !== null && left > 0 && Date.now() < until) {
    await sleep(100);
    left = target.outboxRows();
  }
  if (left) {
    log(`  drain #${run}: OUTBOX NOT EMPTY after the drain: ${left} rows stranded`);
    throw new Error(`drain #${run}: ${left} rows left in the outbox after the township had the whole backlog (stranded rows, issue 8 C)`);
  }
  log(`  drain #${run}: outbox empty after the drain`);
}
