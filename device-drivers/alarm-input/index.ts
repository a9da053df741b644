/** The `alarm-input` kind: a contact on a GPIO pin (panic button, door contact, PIR, UPS mains signal). */
import type { ConfigIssue } from '../module.js';
import { defineDriver } from '../module.js';
import { alarmInputSchema } from './config.js';

export const alarmInputModule = defineDriver({
  kind: 'alarm-input',
  label: 'an alarm input',
  schema: alarmInputSchema,
  seams: ['gpio', 'zones'],
  load: async () => (await import('./alarm-input.js')).createAlarmInput,
  actions: [],
  events: ['alarm.triggered', 'alarm.restored', 'device.fault', 'device.fault.cleared'],
  checks: (d, i, cfg) => {
    const issues: ConfigIssue[] = [];
    const zones = cfg.zones.map((z) => z.name);
    const zoneList = zones.map((z) => `"${z}"`).join(', ') || 'none yet';
    if (!zones.includes(d.zone)) issues.push({ path: ['devices', i, 'zone'], message: `zone "${d.zone}" is not under zones (${zoneList}); add it there or fix the spelling` });
    if (d.mode === '24h' && d.entryDelaySec) issues.push({ path: ['devices', i, 'entryDelaySec'], message: 'a 24h input alarms at once; only armable inputs have an entry delay' });
    if (d.contact === 'NO' && d.cutAfterSec !== null && d.cutAfterSec !== undefined) issues.push({ path: ['devices', i, 'cutAfterSec'], message: 'a cut wire only shows on an NC loop; remove cutAfterSec or wire the input NC' });
    return issues;
  },
});
