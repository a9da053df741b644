/**
 * The daemon entry (style rule 1): load config, build the gateway, handle signals. Nothing else.
 */
import type { Logger } from 'pino';
import { systemGpio } from '../device-drivers/gpio/system-gpio.js';
import { AlsaAudio } from '../device-drivers/loudspeaker/alsa-audio.js';
import { EspeakSpeech } from '../device-drivers/loudspeaker/espeak.js';
import { loadConfigFile } from './config/load.js';
import { createGateway } from './create-gateway.js';
import { skipPacketNumberCache } from './packet-number-cache.js';
import { startSystemdNotifier, type SystemdNotifier } from './ops/systemd-notify.js';

/** Longest a stop may take before the process exits anyway (systemd's default stop timeout is 90 s). */
const STOP_LIMIT_MS = 15_000;

export async function runDaemon(configFile: string, log: Logger): Promise<void> {
  skipPacketNumberCache();
  const config = loadConfigFile(configFile);
  const speech = new EspeakSpeech({ voice: config.broadcast.voice, log: log.child({ component: 'speech' }) });
  const gateway = createGateway({ config, log, hardware: { audio: new AlsaAudio(), speech, gpio: systemGpio({ log }) } });
  let stopping = false;
  let notifier: SystemdNotifier | null = null;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    notifier?.stopping();
    const force = setTimeout(() => {
      log.error({ limitMs: STOP_LIMIT_MS }, 'stop took too long; exiting');
      process.exit(1);
    }, STOP_LIMIT_MS);
    force.unref();
    gateway.stop(signal).then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // Issue 13 item 4 (`vgw reload`, systemd's ExecReload): the outcome is logged and kept for the status socket.
  process.on('SIGHUP', () => void gateway.reload(configFile).catch((err: unknown) => log.error({ err }, 'config reload failed')));
  await gateway.start();
  notifier = startSystemdNotifier(log);
}
