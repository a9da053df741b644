/**
 * sd_notify for `Type=notify` units (issue 13, item 2) without a native library: Node's core has no
 * unix datagram sockets, so each message is one spawn of systemd's own `systemd-notify` (the unit sets
 * `NotifyAccess=all`, since the sender is a child of the main process). Does nothing unless systemd
 * set NOTIFY_SOCKET, so tests and `vgw run` by hand are unaffected.
 *
 * The watchdog ping comes from a timer on the main event loop: a loop blocked by a hung handler or a
 * synchronous loop stops the pings, and systemd restarts the service after WatchdogSec.
 */
import { spawn } from 'node:child_process';
import type { Logger } from 'pino';

/** Pings per WatchdogSec: one lost or late ping (a loaded box, a slow spawn) does not trip the watchdog. */
const PINGS_PER_PERIOD = 3;

/** What main.ts holds: tells systemd the gateway is stopping, then ends the pings. */
export interface SystemdNotifier {
  /** Sends STOPPING=1 and stops the watchdog timer. */
  stopping(): void;
}

/**
 * Sends READY=1 (call it once the gateway has started) and, when systemd set WATCHDOG_USEC for this
 * process, WATCHDOG=1 every WatchdogSec/3. READY=1 rides along with every ping: systemd ignores a
 * repeat, and a READY=1 whose short-lived sender exited before systemd read it (systemd < 254 then
 * cannot map the sender to the unit) is made good by the next ping.
 */
export function startSystemdNotifier(log: Logger, env: NodeJS.ProcessEnv = process.env): SystemdNotifier {
  if (!env.NOTIFY_SOCKET) return { stopping: () => undefined };
  let warned = false;
  let inFlight = false;
  const send = (assignments: string[]): void => {
    // A ping still in flight (a stalled spawn) is not stacked on: the next tick tries again.
    if (inFlight) return;
    inFlight = true;
    const child = spawn('systemd-notify', assignments, { stdio: 'ignore', env });
    const done = (err: Error | null, code: number | null): void => {
      inFlight = false;
      if ((err || code !== 0) && !warned) {
        warned = true;
        log.warn({ err, code, assignments }, 'systemd-notify failed; is systemd-notify installed and NotifyAccess=all set?');
      }
    };
    child.once('error', (err) => done(err, null));
    child.once('exit', (code) => done(null, code));
  };
  send(['READY=1']);
  const usec = Number(env.WATCHDOG_USEC);
  const forUs = !env.WATCHDOG_PID || Number(env.WATCHDOG_PID) === process.pid;
  let timer: NodeJS.Timeout | null = null;
  if (forUs && Number.isFinite(usec) && usec > 0) {
    const everyMs = Math.max(1, Math.floor(usec / 1000 / PINGS_PER_PERIOD));
    timer = setInterval(() => send(['READY=1', 'WATCHDOG=1']), everyMs);
    log.info({ everyMs, watchdogMs: usec / 1000 }, 'systemd watchdog pings started');
  }
  return {
    stopping: () => {
      if (timer) clearInterval(timer);
      timer = null;
      inFlight = false;
      send(['STOPPING=1']);
    },
  };
}
