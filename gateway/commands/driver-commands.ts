/**
 * Registers the commands driver kinds declare (issue 9): each runs its action on the device its
 * `device` param names, which must be one of that kind's devices. The router checks the role.
 */
import { z } from 'zod';
import type { DeviceConfigBase, Driver } from '../../device-drivers/driver.js';
import type { AnyDriverModule } from '../../device-drivers/module.js';
import type { CommandRouter } from './router.js';

export function registerDriverCommands(router: CommandRouter, modules: readonly AnyDriverModule[], devices: readonly DeviceConfigBase[], drivers: ReadonlyMap<string, Driver>): void {
  for (const module of modules) {
    const own = devices.filter((d) => d.driver === module.kind).map((d) => d.id);
    if (own.length === 0) continue;
    for (const command of module.commands ?? []) {
      router.register(command.name, {
        role: command.role,
        params: command.params.extend({ device: z.enum(own as [string, ...string[]]) }),
        run: async ({ params }) => {
          const { device, ...rest } = params as { device: string };
          const driver = drivers.get(device);
          if (!driver?.handleAction) throw new Error(`device "${device}" is not mounted`);
          await driver.handleAction({ name: command.action, params: rest });
        },
      });
    }
  }
}
