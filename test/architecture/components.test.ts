/** Issue 9, item 3: the composition root's one lifecycle (gateway/components.ts). */
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { Components, type Component } from '../../gateway/components.js';
import { LogSink } from '../support/gateway-fixture.js';

function recorder() {
  const calls: string[] = [];
  const part = (name: string, extra: Partial<Component> = {}): Component => ({ name, start: () => void calls.push(`start ${name}`), stop: () => void calls.push(`stop ${name}`), ...extra });
  return { calls, part };
}

describe('components', () => {
  it('start in order and stop in reverse', async () => {
    const { calls, part } = recorder();
    const c = new Components(pino({ level: 'silent' }), [part('db'), part('broker'), part('driver a')]);
    await c.start();
    await c.stop();
    expect(calls).toEqual(['start db', 'start broker', 'start driver a', 'stop driver a', 'stop broker', 'stop db']);
  });

  it('an optional failure is reported and the rest starts; a required failure stops what started and throws', async () => {
    const logs = new LogSink();
    const { calls, part } = recorder();
    const broken = part('driver a', { optional: 'driver failed to start; device degraded', start: () => Promise.reject(new Error('no chip')) });
    const c = new Components(pino({ level: 'debug' }, logs), [part('db'), broken, part('queue')]);
    await c.start();
    expect(c.failed.map((f) => [f.name, f.error.message])).toEqual([['driver a', 'no chip']]);
    expect(logs.lines.some((l) => l.msg === 'driver failed to start; device degraded' && l.component === 'driver a')).toBe(true);
    expect(calls).toEqual(['start db', 'start queue']);

    const r = recorder();
    const d = new Components(pino({ level: 'silent' }), [r.part('lock'), r.part('db'), r.part('broker', { start: () => Promise.reject(new Error('EADDRINUSE')) }), r.part('uplink')]);
    await expect(d.start()).rejects.toThrow('EADDRINUSE');
    expect(r.calls).toEqual(['start lock', 'start db', 'stop db', 'stop lock']);
  });

  it('a start over its time limit aborts its signal and fails; a hung stop step is cut off and the stop goes on', async () => {
    const logs = new LogSink();
    const { calls, part } = recorder();
    let aborted = false;
    const slow = part('driver slow', {
      optional: 'driver failed to start; device degraded',
      startMs: 50,
      start: (signal) => new Promise<void>((resolve) => signal.addEventListener('abort', () => ((aborted = true), resolve()))),
    });
    const hung = part('broker', { stopMs: 50, stop: () => new Promise(() => {}) });
    const c = new Components(pino({ level: 'debug' }, logs), [part('db'), hung, slow]);
    await c.start();
    expect(aborted).toBe(true);
    expect(c.failed[0]?.error.message).toMatch(/driver slow took longer than 50 ms/);
    const t = performance.now();
    await c.stop();
    expect(performance.now() - t).toBeLessThan(1000);
    expect(calls).toEqual(['start db', 'start broker', 'stop driver slow', 'stop db']);
    expect(logs.lines.some((l) => l.msg === 'stop step failed' && l.step === 'stop broker')).toBe(true);
  });
});
