/**
 * A pin its backend could not open (style rule 3: contain a driver's failure): the device becomes
 * degraded, says why in a log line, a `device.fault` event and its mirrored state, and the gateway runs
 * on. Shared by every GPIO driver so they all report it the same way.
 */
import type { DriverContext, DriverHealth } from '../driver.js';

export async function pinUnavailable(
  ctx: Pick<DriverContext, 'emit' | 'setState' | 'log'>,
  pin: number,
  backend: string,
  direction: 'input' | 'output',
  err: unknown,
  /** Set first, so the health is right even if the fault cannot be stored. */
  setHealth: (health: DriverHealth) => void,
): Promise<void> {
  const message = (err as Error).message;
  setHealth({ status: 'degraded', online: false, detail: message });
  ctx.log.error({ err, pin, backend }, `gpio ${direction} unavailable; device degraded`);
  await ctx.emit({ type: 'device.fault', data: { fault: 'gpio-unavailable', pin, message } });
  await ctx.setState({ online: false, state: { fault: 'gpio-unavailable' } });
}
