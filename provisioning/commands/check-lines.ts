/**
 * `vgw check`'s verdicts as lines in the installer's language, or as JSON for tools (`--json`); and the
 * checks issue 12 adds on the box: disk free, TLS certificate expiry (warn under 30 days), operator keys.
 */
import { readFileSync, statfsSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import type { Config } from '../../gateway/config/schema.js';
import type { MessageKey, Out } from '../i18n/i18n.js';
import type { Verdict } from './box-checks.js';

/** One check's outcome: `warn` passes but is printed (a certificate about to expire). */
export interface CheckLine {
  what: string;
  status: 'ok' | 'warn' | 'problem';
  /** What was found, one line. */
  line: string;
  /** For a problem or a warning: how to fix it, when not already part of `line`. */
  fix?: string;
}

const DAY_MS = 86_400_000;
/** A certificate expiring sooner than this is a warning. */
export const CERT_WARN_DAYS = 30;

/** A box check's verdict, in the installer's language. */
export function fromVerdict(v: Verdict, out: Out): CheckLine {
  return { what: v.what, status: v.ok ? 'ok' : 'problem', line: out.t(v.said.key, v.said.params) };
}

/** Free space on the data directory's disk against what the outbox needs. */
export function diskCheck(config: Config, out: Out): CheckLine | null {
  let free: number;
  try {
    const s = statfsSync(config.gateway.dataDir);
    free = s.bavail * s.bsize;
  } catch {
    return null; // a missing or unreadable data dir is the dataDir check's verdict
  }
  const need = config.outbox.minFreeBytes + config.outbox.reserveBytes;
  const mib = (n: number) => (n / 1048576).toFixed(0);
  return free >= need * 2
    ? { what: 'disk', status: 'ok', line: out.t('check.disk.ok', { free: mib(free) }) }
    : { what: 'disk', status: 'problem', line: out.t('check.disk.low', { free: mib(free), need: mib(need * 2) }), fix: out.t('check.disk.fix') };
}

/** Every file the config names, by key (those not set left out). */
export function namedFiles(config: Config): [string, string][] {
  const files: [string, string | undefined][] = [
    ['uplink.passwordFile', config.uplink.passwordFile],
    ['uplink.tls.ca', config.uplink.tls?.ca],
    ['uplink.tls.cert', config.uplink.tls?.cert],
    ['uplink.tls.key', config.uplink.tls?.key],
    ['localBroker.tls.cert', config.localBroker.tls?.cert],
    ['localBroker.tls.key', config.localBroker.tls?.key],
  ];
  return files.filter((f): f is [string, string] => Boolean(f[1]));
}

const CERT_KEYS = new Set(['uplink.tls.ca', 'uplink.tls.cert', 'localBroker.tls.cert']);

/** Expiry of every certificate file the config names. */
export function certChecks(config: Config, out: Out, now = Date.now()): CheckLine[] {
  const lines: CheckLine[] = [];
  for (const [key, file] of namedFiles(config)) {
    if (!CERT_KEYS.has(key)) continue;
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(readFileSync(file));
    } catch (err) {
      lines.push({ what: key, status: 'problem', line: out.t('check.cert.unreadable', { key, file, error: (err as Error).message }), fix: out.t('check.cert.fixUnreadable', { key }) });
      continue;
    }
    lines.push(expiryLine(key, file, cert.validTo, out, now));
  }
  return lines;
}

/** A certificate's expiry verdict: a problem once expired, a warning under `CERT_WARN_DAYS`. */
export function expiryLine(key: string, file: string, validTo: string, out: Out, now = Date.now()): CheckLine {
  const days = Math.floor((Date.parse(validTo) - now) / DAY_MS);
  const params = { key, file, date: validTo, days };
  if (days < 0) return { what: key, status: 'problem', line: out.t('check.cert.expired', params), fix: out.t('check.cert.fixRenew', params) };
  if (days < CERT_WARN_DAYS) return { what: key, status: 'warn', line: out.t('check.cert.soon', params), fix: out.t('check.cert.fixRenew', params) };
  return { what: key, status: 'ok', line: out.t('check.cert.ok', params) };
}

/** Operator keys: without one the township cannot send this box a signed command (a warning). */
export function operatorCheck(config: Config, out: Out): CheckLine {
  const n = config.commands.operators.length;
  return n > 0 ? { what: 'commands.operators', status: 'ok', line: out.t('check.operators.ok', { n, kids: config.commands.operators.map((o) => o.kid).join(', ') }) } : { what: 'commands.operators', status: 'warn', line: out.t('check.operators.none'), fix: out.t('check.operators.fix') };
}

const HEADS: Record<CheckLine['status'], MessageKey> = { ok: 'check.head.ok', warn: 'check.head.warn', problem: 'check.head.problem' };

/** Prints the lines (`what OK: ...`, `PROBLEM what: ...` with `  fix: ...`), or the JSON document. */
export function printChecks(lines: readonly CheckLine[], json: boolean, out: Out): void {
  if (json) {
    out.raw(JSON.stringify({ ok: lines.every((l) => l.status !== 'problem'), checks: lines }, null, 2));
    return;
  }
  for (const l of lines) {
    out.line(HEADS[l.status], { what: l.what, line: l.line });
    if (l.fix) out.line('check.fix', { fix: l.fix });
  }
}
