/** Issue 14: the scrypt thread ends once no login came for a while, and the next login starts it again. */
import { afterAll, describe, expect, it } from 'vitest';
import { hashPassword, scryptThreadRunning, setScryptIdleMs, verifyPassword } from '../../device-drivers/mqtt/passwords.js';
import { until } from '../support/wait.js';

afterAll(() => setScryptIdleMs(10_000));

describe('scrypt thread', () => {
  it('ends when idle and restarts for the next check', async () => {
    setScryptIdleMs(200);
    const stored = await hashPassword('panel-secret');
    expect(scryptThreadRunning()).toBe(true);
    await until('the idle scrypt thread to end', () => !scryptThreadRunning(), 5000);
    expect(await verifyPassword('panel-secret', stored)).toBe(true);
    expect(scryptThreadRunning()).toBe(true);
    expect(await verifyPassword('wrong', stored)).toBe(false);
    await until('the idle scrypt thread to end again', () => !scryptThreadRunning(), 5000);
  });

  it('stays while checks keep coming', async () => {
    setScryptIdleMs(1000);
    const stored = await hashPassword('panel-secret');
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 400));
      expect(scryptThreadRunning()).toBe(true);
      expect(await verifyPassword('panel-secret', stored)).toBe(true);
    }
  });
});
