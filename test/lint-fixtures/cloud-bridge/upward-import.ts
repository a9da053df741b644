// Lint fixture (test/lint-boundary.test.ts): the cloud bridge importing the pipeline, type-only.
import type { Pipeline } from '../../../gateway/pipeline.js';

export type Fixture = Pipeline;
