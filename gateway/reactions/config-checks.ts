/**
 * Checks across config keys for GPIO pins, zones and reactions, run by the config schema's superRefine:
 * each problem names the key path and the fix, like every other config error. What one kind needs of
 * its own devices lives with its module (`checks`); a reaction's action is checked against the target
 * module's `actions`.
 */
import { takesAction, type ConfigIssue, type ConfigView } from '../../device-drivers/module.js';

export type { ConfigIssue };

interface DeviceLike {
  id: string;
  driver: string;
  pin?: number;
}

interface ConfigLike {
  devices: readonly DeviceLike[];
  zones: readonly { name: string }[];
  reactions: readonly { name: string; when: { device?: string | undefined; zone?: string | undefined }; do: { device: string; action: string; seconds?: number | undefined } }[];
}

export function checkLocalSafety(cfg: ConfigLike, view: ConfigView): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const zones = new Set<string>();
  cfg.zones.forEach((z, i) => {
    if (zones.has(z.name)) issues.push({ path: ['zones', i, 'name'], message: `zone "${z.name}" is listed twice; merge the entries` });
    zones.add(z.name);
  });
  const zoneList = [...zones].map((z) => `"${z}"`).join(', ') || 'none yet';
  const devices = new Map(cfg.devices.map((d) => [d.id, d]));

  const pins = new Map<number, number>();
  cfg.devices.forEach((d, i) => {
    if (d.pin === undefined) return;
    const first = pins.get(d.pin);
    if (first !== undefined) issues.push({ path: ['devices', i, 'pin'], message: `GPIO ${d.pin} is also used by devices[${first}] ("${cfg.devices[first]?.id}"); every input and relay needs its own pin` });
    else pins.set(d.pin, i);
  });

  const names = new Set<string>();
  cfg.reactions.forEach((r, i) => {
    if (names.has(r.name)) issues.push({ path: ['reactions', i, 'name'], message: `reaction "${r.name}" is listed twice; give each its own name` });
    names.add(r.name);
    if (r.when.zone !== undefined && !zones.has(r.when.zone)) issues.push({ path: ['reactions', i, 'when', 'zone'], message: `zone "${r.when.zone}" is not under zones (${zoneList}); add it there or fix the spelling` });
    if (r.when.device !== undefined && !devices.has(r.when.device)) issues.push({ path: ['reactions', i, 'when', 'device'], message: `no device "${r.when.device}" under devices` });
    const target = devices.get(r.do.device);
    if (!target) issues.push({ path: ['reactions', i, 'do', 'device'], message: `no device "${r.do.device}" under devices; a reaction acts on a relay or another device that takes actions` });
    const module = target && view.moduleOf(target.id);
    if (module && module.actions !== 'any' && module.actions.length === 0) issues.push({ path: ['reactions', i, 'do', 'device'], message: `"${r.do.device}" is ${module.label}, which takes no actions; name a relay` });
    else if (module && !takesAction(module, r.do.action)) issues.push({ path: ['reactions', i, 'do', 'action'], message: `${module.label} takes ${(module.actions as readonly string[]).map((a) => `"${a}"`).join(', ')}, not "${r.do.action}"` });
    if (r.do.action === 'pulse' && r.do.seconds === undefined) issues.push({ path: ['reactions', i, 'do', 'seconds'], message: 'a pulse needs its length in seconds, e.g. seconds: 60' });
    if (r.do.action !== 'pulse' && r.do.seconds !== undefined) issues.push({ path: ['reactions', i, 'do', 'seconds'], message: `only a pulse has a length; "${r.do.action}" lasts until disarmed or the relay's maxOnSec` });
  });
  return issues;
}
