/** The `door` kind: an electric lock on a GPIO relay with a door contact and an exit button (issue 10, item 1). */
import type { ConfigIssue } from '../module.js';
import { defineDriver } from '../module.js';
import { doorSchema } from './config.js';
import { DOOR_EVENTS } from './events.js';

export const doorModule = defineDriver({
  kind: 'door',
  label: 'a door',
  schema: doorSchema,
  seams: ['gpio'],
  load: async () => (await import('./door.js')).createDoor,
  actions: ['unlock'],
  events: [...DOOR_EVENTS, 'device.fault'],
  provides: ['door'],
  checks: (d, i) => {
    const issues: ConfigIssue[] = [];
    const pins = [['lockPin', d.lockPin], ['contactPin', d.contactPin], ['rexPin', d.rexPin]] as const;
    for (const [key, pin] of pins) {
      const first = pins.find(([, p]) => p === pin);
      if (pin !== undefined && first && first[0] !== key) issues.push({ path: ['devices', i, key], message: `GPIO ${pin} is already the door's ${first[0]}; give each of lockPin, contactPin and rexPin its own pin` });
    }
    return issues;
  },
});
