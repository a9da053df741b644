/** The contract's `zone.arm` / `zone.disarm` commands (role `arm`): `{"zones": ["east-gate", ...]}`. */
import { z } from 'zod';
import type { CommandRouter } from '../commands/router.js';
import type { Arming } from './arming.js';

export function registerZoneCommands(router: CommandRouter, arming: Arming): void {
  const params = z
    .object({ zones: z.array(z.string()).min(1).max(64) })
    .strict()
    .superRefine((p, ctx) => {
      const unknown = p.zones.filter((zone) => !arming.has(zone));
      if (unknown.length) ctx.addIssue({ code: 'custom', path: ['zones'], message: `no zone ${unknown.map((u) => `"${u.slice(0, 64)}"`).join(', ')} on this gateway; it has: ${arming.names().join(', ') || 'none'}` });
    });
  for (const [name, armed] of [['zone.arm', true], ['zone.disarm', false]] as const) {
    router.register(name, { role: 'arm', params, run: (c) => arming.set(c.params.zones as string[], armed, { by: 'command', operator: c.by, commandId: c.id }) });
  }
}
