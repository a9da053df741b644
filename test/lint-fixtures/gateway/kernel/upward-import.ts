// Lint fixture (test/lint-boundary.test.ts): the kernel importing something of ours, type-only.
import type { Config } from '../../../../gateway/config/schema.js';

export type Fixture = Config;
