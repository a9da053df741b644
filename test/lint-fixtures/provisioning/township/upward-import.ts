// Lint fixture (test/lint-boundary.test.ts): a township tool importing the village daemon's code.
import { defaultModules } from '../../../../device-drivers/registry.js';
import { Outbox } from '../../../../cloud-bridge/outbox.js';
import { SEVERITIES } from '../../../../gateway/kernel/severity.js';

export const fixture = [defaultModules, Outbox, SEVERITIES];
