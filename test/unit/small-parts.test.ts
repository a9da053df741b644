/** Small parts with their own rules: backoff, rate-limited reports, local time with offset, severity. */
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { Backoff } from '../../cloud-bridge/backoff.js';
import { isoLocal } from '../../gateway/kernel/clock.js';
import type { Pipeline } from '../../gateway/pipeline.js';
import { RejectionReports } from '../../gateway/reports.js';
import { severityOf } from '../../gateway/severity.js';

describe('Backoff', () => {
  it('doubles up to the cap with equal jitter, and resets', () => {
    const lo = new Backoff(100, 1000, () => 0);
    expect([lo.next(), lo.next(), lo.next(), lo.next(), lo.next(), lo.next()]).toEqual([50, 100, 200, 400, 500, 500]);
    const hi = new Backoff(100, 1000, () => 0.999999);
    expect([hi.next(), hi.next(), hi.next(), hi.next(), hi.next()]).toEqual([100, 200, 400, 800, 1000]);
    hi.reset();
    expect(hi.next()).toBe(100);
  });
});

describe('RejectionReports', () => {
  it('reports the first at once and folds repeats of the same type and reason into one counted report per window', async () => {
    const sent: { type: string; data: Record<string, unknown> }[] = [];
    const pipeline = { system: async (type: string, _s: string, data: Record<string, unknown>) => void sent.push({ type, data }) } as unknown as Pipeline;
    const reports = new RejectionReports(pipeline, pino({ level: 'silent' }), { intervalMs: 50 });
    for (let i = 0; i < 50; i++) reports.reject('system.payload.rejected', 'minor', 'dev-a', { device: 'dev-a', reason: 'not-json' });
    // Issue 8 #4: the key is type + reason only; another device (or username, or id) is a sample, not a new report.
    reports.reject('system.payload.rejected', 'minor', 'dev-b', { device: 'dev-b', reason: 'not-json' });
    expect(sent.map((s) => [s.data.device, s.data.count])).toEqual([['dev-a', 1]]);
    await new Promise((r) => setTimeout(r, 80));
    expect(sent.map((s) => [s.data.device, s.data.count])).toEqual([['dev-a', 1], ['dev-a', 50]]);
    expect(sent[1]!.data.samples).toEqual([{ device: 'dev-a' }, { device: 'dev-b' }]);
    reports.reject('system.payload.rejected', 'minor', 'dev-a', { device: 'dev-a', reason: 'not-json' });
    reports.reject('system.payload.rejected', 'minor', 'dev-a', { device: 'dev-a', reason: 'not-json' });
    reports.flush(); // at stop, what is still counted is sent
    expect(sent.reduce((n, s) => n + (s.data.count as number), 0)).toBe(53);
    expect(reports.total).toBe(53);
    expect([...reports.counts]).toEqual([['dev-a', 52], ['dev-b', 1]]);
  });

  it('gives a rejection with nothing but its reason no samples (system.lan.refused: the contract has none)', () => {
    const sent: Record<string, unknown>[] = [];
    const pipeline = { system: async (_t: string, _s: string, data: Record<string, unknown>) => void sent.push(data) } as unknown as Pipeline;
    const reports = new RejectionReports(pipeline, pino({ level: 'silent' }), { intervalMs: 60_000 });
    for (let i = 0; i < 3; i++) reports.reject('system.lan.refused', 'major', 'local-broker', { reason: 'login-timeout' });
    reports.flush();
    expect(sent).toEqual([{ reason: 'login-timeout', count: 1 }, { reason: 'login-timeout', count: 2 }]);
  });
});

describe('isoLocal', () => {
  it('writes local time with its offset, milliseconds kept', () => {
    const text = isoLocal(Date.UTC(2026, 10, 23, 13, 40, 0, 123));
    expect(text).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{2}:\d{2}$/);
    expect(Date.parse(text)).toBe(Date.UTC(2026, 10, 23, 13, 40, 0, 123));
  });
});

describe('severityOf', () => {
  const global = { default: 'info' as const, types: { 'panic.pressed': 'critical' as const, 'door.opened': 'minor' as const } };
  it('looks at the device map, then the gateway map, then the defaults', () => {
    expect(severityOf('panic.pressed', undefined, global)).toBe('critical');
    expect(severityOf('door.opened', { severity: { types: { 'door.opened': 'major' } } }, global)).toBe('major');
    expect(severityOf('heartbeat', { severity: { default: 'minor', types: {} } }, global)).toBe('minor');
    expect(severityOf('heartbeat', undefined, global)).toBe('info');
    expect(severityOf('heartbeat', undefined, { types: {} })).toBe('info');
  });
});
