// Lint fixture (test/lint-boundary.test.ts): a driver importing the gateway upward, at run time and type-only.
import { createGateway } from '../../../gateway/create-gateway.js';
import type { Config } from '../../../gateway/config/schema.js';
import { isoLocal } from '../../../gateway/kernel/clock.js';

export const fixture: [typeof createGateway, Config | null, typeof isoLocal] = [createGateway, null, isoLocal];
