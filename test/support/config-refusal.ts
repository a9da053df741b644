/** The error `parseConfig` refuses a raw config with; a config it accepts fails the test instead. */
import { parseConfig } from '../../gateway/config/load.js';
import type { GatewayError } from '../../gateway/kernel/errors.js';

export function configRefusal(raw: unknown): GatewayError {
  try {
    parseConfig(raw, 'vgw.yaml');
  } catch (err) {
    return err as GatewayError;
  }
  throw new Error('config was accepted');
}
