/** The `uhppote` kind: a WG / UHPPOTE access controller with 1–4 doors over UDP (or TCP) 60000 (issue 10, item 2). */
import type { ConfigIssue } from '../module.js';
import { defineDriver } from '../module.js';
import { uhppoteSchema } from './config.js';
import { OPEN_ACTION } from './door-signal.js';

export const uhppoteModule = defineDriver({
  kind: 'uhppote',
  label: 'a network door controller',
  schema: uhppoteSchema,
  seams: ['udp', 'deviceActions', 'access'],
  load: async () => (await import('./controller.js')).createUhppote,
  actions: [OPEN_ACTION],
  events: ['access.granted', 'access.denied', 'door.alarm', 'controller.events.lost', 'device.online', 'device.offline'],
  checks: (d, i, cfg) => {
    const issues: ConfigIssue[] = [];
    d.doors.forEach((door, j) => {
      const path = ['devices', i, 'doors', j];
      if (d.doors.findIndex((x) => x.number === door.number) !== j) issues.push({ path: [...path, 'number'], message: `door ${door.number} is listed twice; each of the controller's doors 1-4 once` });
      const dev = cfg.devices.find((x) => x.id === door.device) as { driver: string; controller?: string } | undefined;
      if (dev?.driver !== 'uhppote-door' || dev.controller !== d.id) issues.push({ path: [...path, 'device'], message: `"${door.device}" must be a device with driver: uhppote-door and controller: ${d.id}` });
    });
    const same = cfg.devices.findIndex((x) => x.driver === 'uhppote' && (x as { listener?: { port: number } }).listener?.port === d.listener.port);
    if (same !== i) issues.push({ path: ['devices', i, 'listener', 'port'], message: `listener port ${d.listener.port} is already used by another controller; give each controller its own (60001, 60002, ...)` });
    return issues;
  },
});
