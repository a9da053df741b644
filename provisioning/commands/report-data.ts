/**
 * What the acceptance report (issue 12, item 6) holds, gathered once and written both as HTML and JSON:
 * identity, version, devices and where they are wired, every self-test step, township connectivity, the
 * uplink backlog and the last 24 h of events per category (the daemon's hourly counts, gateway/event-counts.ts).
 */
import { hostname } from 'node:os';
import { withBoxDb } from './box-db.js';
import type { Config } from '../../gateway/config/schema.js';
import { VERSION } from '../../gateway/version.js';
import { countsLast24h } from '../../gateway/event-counts.js';
import type { Out } from '../i18n/i18n.js';
import type { CheckLine } from './check-lines.js';
import { checkTownship } from './check-township.js';
import { runningGateway } from './daemon-running.js';
import { allResults, type SelfTestResult } from './selftest-store.js';

/** The report's data; the JSON file is exactly this. */
export interface ReportData {
  generatedAt: string;
  lang: string;
  identity: { gatewayId: string; township: string; host: string; configFile: string };
  version: string;
  devices: { id: string; kind: string; category: string; pin: number | null; zone: string | null; location: string | null }[];
  selfTests: SelfTestResult[];
  /** The township checks; null with --offline. */
  township: CheckLine[] | null;
  backlog: { rows: number; oldest: string | null };
  /** Events accepted in the last 24 h, by category, delivered or not: the daemon's hourly counts. */
  eventsLast24h: Record<string, number>;
  /** Where those counts start: the top of the hour 24 h ago (they are kept per hour). */
  eventsSince: string;
}

export async function gatherReport(config: Config, configFile: string, o: { offline?: boolean }, out: Out, now = Date.now()): Promise<ReportData> {
  const { selfTests, backlog, counts } = await withBoxDb(config.gateway.dataDir, (db) => {
    const b = db.prepare('SELECT COUNT(*) AS n, MIN(created) AS oldest FROM outbox').get() as { n: number; oldest: number | null };
    return { selfTests: allResults(db), backlog: { rows: b.n, oldest: b.oldest === null ? null : new Date(b.oldest).toISOString() }, counts: countsLast24h(db, now) };
  });
  const township = o.offline ? null : await checkTownship(config, runningGateway(config.gateway.dataDir) !== null, out);
  return {
    generatedAt: new Date(now).toISOString(),
    lang: out.lang,
    identity: { gatewayId: config.gateway.id, township: config.gateway.township, host: hostname(), configFile },
    version: VERSION,
    devices: config.devices.map((d) => {
      const x = d as unknown as { pin?: number; zone?: string; location?: string };
      return { id: d.id, kind: d.driver, category: d.category, pin: x.pin ?? null, zone: x.zone ?? null, location: x.location ?? null };
    }),
    selfTests,
    township,
    backlog,
    eventsLast24h: counts.byCategory,
    eventsSince: new Date(counts.since).toISOString(),
  };
}
