/**
 * What `vgw test` does with a device of each kind (issue 12, item 5): an alarm input must change within
 * the timeout (shown live), a relay is pulsed, a loudspeaker speaks a test notice. A kind without an
 * entry is listed as skipped. Doors and cameras: add an entry for the kind whose step runs the module's
 * own action (`unlock`, a snapshot) — the hook is this table, the runner needs no change.
 */
import type { AlarmInputConfig } from '../../device-drivers/alarm-input/config.js';
import type { RelayConfig } from '../../device-drivers/relay/config.js';
import type { Config, DeviceConfig } from '../../gateway/config/schema.js';
import type { MessageKey, Out, Params } from '../i18n/i18n.js';
import type { Prompter } from './prompter.js';
import { say } from './say.js';
import { openLine, POLL_MS } from './sysfs-line.js';

/** What a step needs. */
export interface StepContext {
  config: Config;
  configFile: string;
  out: Out;
  /** null with --non-interactive: nothing is asked, nothing confirmed. */
  prompt: Prompter | null;
  timeoutMs: number;
  sysfsRoot: string;
}

/** A step's outcome, as recorded; `detail` in the installer's language. */
export interface StepOutcome {
  step: string;
  result: 'pass' | 'fail' | 'skipped';
  detail: string;
}

type Step = (device: DeviceConfig, ctx: StepContext) => Promise<StepOutcome>;

const RELAY_PULSE_MS = 1000;

/** Asks a yes/no question; an empty answer is `fallback`. */
async function confirm(ctx: StepContext, key: MessageKey, params: Params, fallback: boolean): Promise<boolean> {
  // An empty answer comes back as the shown default, "Y/n" or "y/N".
  const answer = (await ctx.prompt!.ask(ctx.out.t(key, params), fallback ? 'Y/n' : 'y/N')).toLowerCase();
  return answer === 'y/n' ? fallback : /^(y|yes|是|好|对)/.test(answer);
}

const where = (d: { pin?: number; location?: string | undefined }) => `${d.pin !== undefined ? `GPIO ${d.pin}` : ''}${d.location ? `, ${d.location}` : ''}`;

/** The input's level as the installer sees it: alarm or normal (contact and wiring applied). */
function meaning(d: AlarmInputConfig, level: 0 | 1, out: Out): string {
  const closed = d.activeLow ? level === 0 : level === 1;
  return out.t((d.contact === 'NO') === closed ? 'selftest.state.alarm' : 'selftest.state.normal');
}

const inputStep: Step = async (device, ctx) => {
  const d = device as AlarmInputConfig;
  const { out } = ctx;
  const line = await openLine(ctx.sysfsRoot, d.pin, 'in');
  const start = line.read();
  const seconds = Math.round(ctx.timeoutMs / 1000);
  out.progress(ctx.prompt ? 'selftest.input.press' : 'selftest.input.waiting', { id: d.id, kind: d.kind, where: where(d), seconds, state: meaning(d, start, out) });
  const began = Date.now();
  while (Date.now() - began < ctx.timeoutMs) {
    const now = line.read();
    if (now !== start) {
      const after = ((Date.now() - began) / 1000).toFixed(1);
      out.line('selftest.input.changed', { id: d.id, from: meaning(d, start, out), to: meaning(d, now, out), level: `${start} → ${now}`, after });
      return { step: 'input', result: 'pass', detail: out.t('selftest.input.passDetail', { level: `${start} → ${now}`, after }) };
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  return { step: 'input', result: 'fail', detail: out.t('selftest.input.timeout', { seconds, pin: d.pin, state: meaning(d, start, out) }) };
};

const relayStep: Step = async (device, ctx) => {
  const d = device as RelayConfig;
  const { out } = ctx;
  if (ctx.prompt && !(await confirm(ctx, 'selftest.relay.ask', { id: d.id, where: where(d) }, true))) return { step: 'relay', result: 'skipped', detail: out.t('selftest.relay.declined') };
  const on = d.activeLow ? 0 : 1;
  const off = on === 1 ? 0 : 1;
  const line = await openLine(ctx.sysfsRoot, d.pin, off === 1 ? 'high' : 'low');
  out.progress('selftest.relay.pulsing', { id: d.id, ms: RELAY_PULSE_MS });
  line.write(on);
  await new Promise((r) => setTimeout(r, RELAY_PULSE_MS));
  line.write(off);
  if (!ctx.prompt) return { step: 'relay', result: 'pass', detail: out.t('selftest.relay.unconfirmed', { ms: RELAY_PULSE_MS }) };
  const seen = await confirm(ctx, 'selftest.relay.confirm', { id: d.id }, false);
  return seen ? { step: 'relay', result: 'pass', detail: out.t('selftest.relay.confirmed', { ms: RELAY_PULSE_MS }) } : { step: 'relay', result: 'fail', detail: out.t('selftest.relay.notSeen', { pin: d.pin }) };
};

const speakerStep: Step = async (device, ctx) => {
  const { out } = ctx;
  out.progress('selftest.speaker.playing', { id: device.id });
  try {
    await say(out.t('selftest.speaker.text'), { config: ctx.configFile, speaker: device.id }, () => {});
  } catch (err) {
    return { step: 'speaker', result: 'fail', detail: out.t('selftest.speaker.failed', { error: (err as Error).message }) };
  }
  if (!ctx.prompt) return { step: 'speaker', result: 'pass', detail: out.t('selftest.speaker.unconfirmed') };
  const heard = await confirm(ctx, 'selftest.speaker.confirm', { id: device.id }, false);
  return heard ? { step: 'speaker', result: 'pass', detail: out.t('selftest.speaker.heard') } : { step: 'speaker', result: 'fail', detail: out.t('selftest.speaker.notHeard') };
};

/** The self-test of each kind that has one; add door and camera kinds here as they land. */
export const SELF_TESTS: Partial<Record<string, Step>> = {
  'alarm-input': inputStep,
  relay: relayStep,
  loudspeaker: speakerStep,
};
