/** The `uhppote-door` kind: one door (1–4) of a WG / UHPPOTE network controller (issue 10, item 2). */
import type { ConfigIssue } from '../module.js';
import { defineDriver } from '../module.js';
import { DOOR_EVENTS } from '../door/events.js';
import { uhppoteDoorSchema } from './config.js';

export const uhppoteDoorModule = defineDriver({
  kind: 'uhppote-door',
  label: 'a door of a network controller',
  schema: uhppoteDoorSchema,
  seams: ['deviceActions'],
  load: async () => (await import('./uhppote-door.js')).createUhppoteDoor,
  actions: ['unlock'],
  events: [...DOOR_EVENTS],
  provides: ['door'],
  checks: (d, i, cfg) => {
    const issues: ConfigIssue[] = [];
    const controller = cfg.devices.find((x) => x.id === d.controller) as { driver: string; doors?: { device: string }[] } | undefined;
    if (controller?.driver !== 'uhppote') {
      const known = cfg.devices.filter((x) => x.driver === 'uhppote').map((x) => `"${x.id}"`).join(', ') || 'none yet';
      issues.push({ path: ['devices', i, 'controller'], message: `"${d.controller}" is not a uhppote controller of this config (controllers: ${known}); add it or fix the spelling` });
    } else if (!controller.doors?.some((x) => x.device === d.id)) {
      issues.push({ path: ['devices', i, 'controller'], message: `controller "${d.controller}" does not list this door; add { number: N, device: ${d.id} } to its doors` });
    }
    return issues;
  },
});
