/** `vgw check`: validates the config and prints what to fix. */
import { loadConfigFile } from '../../gateway/config/load.js';
import { loadPublicKey } from '../../gateway/commands/signing.js';

export function checkConfig(file: string): void {
  const config = loadConfigFile(file);
  for (const op of config.commands.operators) loadPublicKey(op.publicKey);
  process.stdout.write(`config OK: gateway ${config.gateway.id}, township ${config.gateway.township}, ${config.devices.length} devices, ${config.commands.operators.length} operator keys\n配置正确\n`);
}
