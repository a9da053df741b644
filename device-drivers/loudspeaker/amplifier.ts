/**
 * The loudspeaker amplifier's mains power, switched by a relay: on before the first sound with a
 * warm-up (a cold amplifier pops, and clips the first syllables), off after an idle time (village
 * amplifiers hum, draw tens of watts, and run hot when left on all day).
 */
import type { Logger } from 'pino';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LoudspeakerDeviceConfig } from './config.js';
import type { DeviceActions } from '../seams.js';
import { delayMs } from '../../gateway/kernel/timers.js';

/** Switches the amplifier's power; `on` while on changes nothing. */
export interface AmplifierPower {
  on(): Promise<void>;
  off(): Promise<void>;
}

/**
 * Each loudspeaker's power: its `amplifier.relay` device's driver (actions `on` / `off`), or none. The
 * relay is looked up when used: drivers are built in config order, and it may come after the speaker.
 */
export function relayAmplifiers(devices: DeviceActions): (speaker: LoudspeakerDeviceConfig) => AmplifierPower {
  return (speaker) => {
    const relayId = speaker.amplifier.relay;
    if (relayId === undefined) return noRelay;
    const act = async (name: 'on' | 'off'): Promise<void> => {
      // A relay stopped before its loudspeaker (config order at shutdown) switched itself off.
      if (name === 'off' && devices.stopped(relayId)) return;
      await devices.act(relayId, { name, params: {} });
    };
    return { on: () => act('on'), off: () => act('off') };
  };
}

/** No relay wired: the amplifier is powered all the time, nothing to switch. */
export const noRelay: AmplifierPower = {
  on: async () => {},
  off: async () => {},
};

/** Records each change of the power with its time (tests and the demo). */
export class SimulatedAmplifierPower implements AmplifierPower {
  readonly switches: { on: boolean; at: number }[] = [];
  constructor(private readonly now: () => number = Date.now) {}
  async on(): Promise<void> {
    if (this.switches.at(-1)?.on !== true) this.switches.push({ on: true, at: this.now() });
  }
  async off(): Promise<void> {
    if (this.switches.at(-1)?.on === true) this.switches.push({ on: false, at: this.now() });
  }
}

export interface AmplifierTiming {
  warmUpMs: number;
  idleOffMs: number;
}

export class Amplifier {
  private powered = false;
  private poweredAt = 0;
  private idle: NodeJS.Timeout | null = null;

  constructor(
    private readonly power: AmplifierPower,
    private readonly timing: AmplifierTiming,
    private readonly log: Logger,
  ) {}

  get on(): boolean {
    return this.powered;
  }

  /** Powers the amplifier and waits out what is left of its warm-up; `signal` cuts the wait. */
  async acquire(signal: AbortSignal): Promise<void> {
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    // Switched on before every sound, not only when we think it is off: a relay's maximum on-time
    // (or a person) may have switched it off behind our back.
    await this.power.on();
    if (!this.powered) {
      this.powered = true;
      this.poweredAt = Date.now();
      this.log.info({ warmUpMs: this.timing.warmUpMs }, 'amplifier on');
    }
    const left = this.poweredAt + this.timing.warmUpMs - Date.now();
    if (left > 0) await sleep(delayMs(left), undefined, { signal }).catch(() => {});
  }

  /** The sound has ended: power off after the idle time unless another sound comes first. */
  release(): void {
    if (this.idle) clearTimeout(this.idle);
    this.idle = setTimeout(() => void this.shutdown(), delayMs(this.timing.idleOffMs));
    this.idle.unref();
  }

  async shutdown(): Promise<void> {
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    if (!this.powered) return;
    this.powered = false;
    try {
      await this.power.off();
      this.log.info('amplifier off');
    } catch (err) {
      this.log.error({ err }, 'amplifier could not be switched off');
    }
  }
}
