/**
 * Builds the person alert rules and the patrol for the composition root (issue 10 items 6 and 8): both
 * watch the event bus and commit their own events through the pipeline, so they depend on no driver
 * (the access core, door drivers and cameras only have to put the events on the bus).
 */
import type { Logger } from 'pino';
import type { Db } from '../../cloud-bridge/db.js';
import type { Config } from '../config/schema.js';
import type { Clock } from '../kernel/clock.js';
import type { Pipeline } from '../pipeline.js';
import { Patrol } from '../patrol/patrol.js';
import { PatrolStore } from '../patrol/store.js';
import { PersonRules } from './engine.js';
import { SightingStore } from './store.js';

/** The parts of the gateway the rules and the patrol use. */
export interface RulesDeps {
  config: Config;
  db: Db;
  pipeline: Pipeline;
  clock: Clock;
  log: Logger;
}

/** Their own events, and the gateway's, are never a sighting or a visit (no loops). */
const OWN = /^(person|patrol)\./;

/** The rules and the patrol as one part: subscribed to the bus now, their state loaded at start. */
export function personRulesAndPatrol({ config, db, pipeline, clock, log }: RulesDeps): { start(): Promise<void>; stop(): Promise<void> } {
  const emit = pipeline.emit.bind(pipeline);
  const gatewayId = config.gateway.id;
  const rules = new PersonRules({ config: config.personRules, gatewayId, store: new SightingStore(db), emit, clock, log: log.child({ component: 'person-rules' }) });
  const patrol = new Patrol({ config: config.patrol, gatewayId, store: new PatrolStore(db), emit, clock, log: log.child({ component: 'patrol' }) });
  let started = false;
  const watch = (name: string, engine: { observe: PersonRules['observe'] }) =>
    pipeline.bus.subscribe(name, (event, committed) => {
      // Before the start the stored state is not loaded yet; devices start after this component.
      if (started && event.device !== gatewayId && !OWN.test(event.type)) engine.observe(event, committed);
    });
  if (config.personRules.rules.length) watch('person rules', rules);
  if (config.patrol.routes.length) watch('patrol', patrol);
  return {
    start: async () => {
      rules.start();
      await patrol.start();
      started = true;
    },
    stop: async () => {
      started = false;
      await patrol.stop();
      await rules.stop();
    },
  };
}
