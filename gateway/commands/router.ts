/**
 * The command router (contract, "Downlink" and "Command authentication"): signature and role first,
 * then topic match, expiry, parameters and once-only, then the handler. Every outcome is a reply on
 * `replies/{id}`, stored in the outbox before the township's message is acknowledged.
 */
import { randomUUID, type KeyObject } from 'node:crypto';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { CommandIds } from '../../cloud-bridge/command-ids.js';
import type { Outbox } from '../../cloud-bridge/outbox.js';
import { parseCommandTopic, type TownshipTopics } from '../kernel/topics.js';
import { isoLocal, type Clock } from '../kernel/clock.js';
import type { Config } from '../config/schema.js';
import type { Role } from '../kernel/roles.js';
import type { RejectionReports } from '../reports.js';
import { answerableResponseTopic } from './response-topic.js';
import { loadPublicKey, verifyCommand } from '../kernel/signing.js';
import type { TimeFloor } from './time-floor.js';

export const REJECT_CODES = ['unsigned', 'bad-signature', 'unknown-key', 'forbidden', 'misdirected', 'expired', 'replayed', 'invalid'] as const;
export type RejectCode = (typeof REJECT_CODES)[number];

export interface Command {
  id: string;
  name: string;
  by: string;
  issuedAt: number;
  expiresAt: number;
  params: Record<string, unknown>;
}

export interface CommandDefinition {
  /** Role the signing key needs; `null`: any trusted key (e.g. `ping`). `admin` may do everything. */
  role: Role | null;
  /** Validates the command's own parameters (fields other than the common ones). */
  params: z.ZodType<Record<string, unknown>>;
  /**
   * Carries it out; resolve = `done`, throw = `failed` (message goes to the reply). Resolve with
   * `'accepted'` when the outcome comes later (a notice plays in minutes or days): the router replies
   * `accepted` now, and the definition's owner sends `done` / `failed` through `settle`.
   */
  run(command: Command): Promise<void | 'accepted'>;
}

/** A command from a locally authenticated operator (see `CommandRouter.runLocal`). */
export interface LocalCall {
  name: string;
  params: Record<string, unknown>;
  /** The operator's name, logged and written as the command's `by`. */
  operator: string;
  roles: readonly Role[];
  /** Where the operator logged in, e.g. `opcua`. */
  via: string;
}

/** What became of a local command: its id (its reply is on `replies/{id}`), status and why. */
export interface LocalOutcome {
  id: string;
  status: 'rejected' | 'accepted' | 'done' | 'failed';
  /** The refusal code when rejected, else the status. */
  code: string;
  message: string;
}

/** Best-effort copy of a reply to an MQTT 5 response topic. */
export type ResponseCopy = (topic: string, payload: Buffer, correlationData: Buffer | undefined) => void;

/** Command ids are UUIDs (contract); only such an id is ever used in a reply topic. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const commandSchema = z
  .object({
    id: z.string().regex(UUID, 'a lowercase UUID'),
    name: z.string().min(1).max(64),
    township: z.string().min(1),
    target: z.string().min(1),
    issuedAt: z.iso.datetime({ offset: true }),
    expiresAt: z.iso.datetime({ offset: true }),
    by: z.string().min(1).max(128),
  })
  .loose();
const COMMON = new Set(['id', 'name', 'township', 'target', 'issuedAt', 'expiresAt', 'by']);

class Rejection extends Error {
  constructor(
    readonly code: RejectCode,
    message: string,
    /** True once the signature was verified: only then is the MQTT 5 response topic answered. */
    readonly verified = false,
  ) {
    super(message);
  }
}

type ReplyProperties = { responseTopic?: string; correlationData?: Buffer };

export interface RouterDeps {
  config: Config;
  ids: CommandIds;
  outbox: Outbox;
  topics: TownshipTopics;
  clock: Clock;
  /** The trusted time floor that expiry is also judged by. */
  timeFloor: TimeFloor;
  reports: RejectionReports;
  log: Logger;
  respond: ResponseCopy;
}

export class CommandRouter {
  private readonly definitions = new Map<string, CommandDefinition>();
  private keys: Map<string, { key: KeyObject; roles: readonly Role[] }>;
  /** Reply properties of commands answered `accepted`, until `settle`. */
  private readonly later = new Map<string, ReplyProperties | undefined>();
  executed = 0;
  rejected = 0;
  /** Outcomes by `status/code` (`done/`, `rejected/expired`), replied or not, for /metrics (issue 13). */
  readonly outcomes = new Map<string, number>();

  constructor(private readonly deps: RouterDeps) {
    this.keys = keysOf(deps.config.commands.operators);
  }

  /** Takes a reloaded config's operators (gateway/reload.ts): commands from then on are checked against them. */
  setOperators(operators: RouterDeps['config']['commands']['operators']): void {
    this.keys = keysOf(operators);
  }

  register(name: string, definition: CommandDefinition): void {
    this.definitions.set(name, definition);
  }

  /** Handles one message from a `cmd` topic; resolves once its reply is stored. */
  async handle(topic: string, payload: Buffer, properties?: ReplyProperties): Promise<void> {
    const limit = this.deps.config.commands.maxPayloadBytes;
    if (payload.length > limit) {
      // Refused unread (issue 8, #3): three unsigned 100 MB payloads, parsed before being verified, took
      // the daemon to 769 MiB. No id is read from it, so there is nobody to reply to.
      this.rejected++;
      this.deps.log.warn({ bytes: payload.length, limit, topic: topic.slice(0, 200) }, 'command payload too large; refused unread');
      this.deps.reports.reject('system.command.rejected', 'major', '(none)', { code: 'invalid', reason: 'too-large', bytes: payload.length });
      this.countOutcome('rejected', 'invalid');
      return;
    }
    let claimedId: string | undefined;
    let kid: string | undefined;
    try {
      const { command, kid: k, definition } = this.authenticate(topic, payload, (id) => (claimedId = id));
      kid = k;
      this.deps.log.info({ commandId: command.id, name: command.name, by: command.by, kid }, 'command accepted');
      await this.execute(command, definition, properties);
    } catch (err) {
      if (!(err instanceof Rejection)) throw err;
      this.rejected++;
      this.deps.log.warn({ commandId: claimedId, code: err.code, kid, reason: err.message }, 'command rejected');
      this.deps.reports.reject('system.command.rejected', 'major', kid ?? '(none)', { code: err.code, ...(claimedId ? { commandId: claimedId } : {}), ...(kid ? { kid } : {}) });
      if (claimedId) await this.reply(claimedId, 'rejected', { code: err.code, message: err.message }, err.verified ? properties : undefined);
      else this.countOutcome('rejected', err.code); // no id to reply to: counted all the same
    }
  }

  private countOutcome(status: string, code = ''): void {
    const key = `${status}/${code}`;
    this.outcomes.set(key, (this.outcomes.get(key) ?? 0) + 1);
  }

  /** Runs an accepted command and stores its reply; resolves with the status replied. */
  private async execute(command: Command, definition: CommandDefinition, properties?: ReplyProperties): Promise<{ status: 'accepted' | 'done' | 'failed'; message: string }> {
    try {
      const outcome = await definition.run(command);
      this.executed++;
      if (outcome === 'accepted') this.later.set(command.id, properties);
      const status = outcome === 'accepted' ? 'accepted' : 'done';
      await this.reply(command.id, status, undefined, properties);
      return { status, message: status };
    } catch (err) {
      this.deps.log.warn({ commandId: command.id, err }, 'command failed');
      // A handler may name its own code (`access.sync`: `full-sync-required`); else plain `failed`.
      const code = (err as { replyCode?: unknown }).replyCode;
      await this.reply(command.id, 'failed', { code: typeof code === 'string' ? code : 'failed', message: (err as Error).message }, properties);
      return { status: 'failed', message: (err as Error).message };
    }
  }

  /**
   * A command from an operator who logged in locally (the gateway's OPC UA server, issue 15) instead
   * of signing: the same role check, parameter validation, once-only journal, log lines, reply on
   * `replies/{id}` and rejection reports as a signed command. Resolves with the outcome.
   */
  async runLocal(call: LocalCall): Promise<LocalOutcome> {
    const { clock, config, log, reports, ids, timeFloor } = this.deps;
    const id = randomUUID();
    // The contract's rejection report names a credential by `kid`; a local login's is `{via}:{operator}`.
    const kid = `${call.via}:${call.operator}`;
    const refuse = async (code: RejectCode, message: string): Promise<LocalOutcome> => {
      this.rejected++;
      log.warn({ commandId: id, name: call.name, by: call.operator, via: call.via, code, reason: message }, 'command rejected');
      reports.reject('system.command.rejected', 'major', kid, { code, commandId: id, name: call.name, kid });
      await this.reply(id, 'rejected', { code, message });
      return { id, status: 'rejected', code, message };
    };
    const definition = this.definitions.get(call.name);
    if (!definition) return refuse('invalid', `unknown command "${call.name}"; this gateway handles: ${this.names().join(', ')}`);
    if (definition.role && !call.roles.includes(definition.role) && !call.roles.includes('admin')) return refuse('forbidden', `operator "${call.operator}" lacks the role "${definition.role}" that ${call.name} needs`);
    const params = definition.params.safeParse(call.params);
    if (!params.success) return refuse('invalid', `parameters: ${params.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
    const { now } = timeFloor.judge(clock);
    const expiresAt = now + config.commands.maxLifetimeSec * 1000;
    if (!ids.claim(id, call.name, now, expiresAt)) return refuse('replayed', `command ${id} was already received`);
    const command: Command = { id, name: call.name, by: call.operator, issuedAt: now, expiresAt, params: params.data };
    log.info({ commandId: id, name: call.name, by: call.operator, via: call.via }, 'command accepted');
    const outcome = await this.execute(command, definition);
    return { id, status: outcome.status, code: outcome.status, message: outcome.message };
  }

  /** Every check that may refuse the command, in the contract's order; claims the id last. */
  private authenticate(topic: string, payload: Buffer, noteId: (id: string) => void) {
    const envelope = parseJson(payload);
    if (!envelope || typeof envelope !== 'object') throw new Rejection('invalid', 'payload is not a JSON object');
    const { cmd, kid, sig } = envelope as Record<string, unknown>;
    const inner = typeof cmd === 'string' ? parseJson(Buffer.from(cmd)) : envelope;
    const innerId = (inner as { id?: unknown } | undefined)?.id;
    if (typeof innerId === 'string' && UUID.test(innerId)) noteId(innerId);
    if (typeof cmd !== 'string' || typeof sig !== 'string' || typeof kid !== 'string') throw new Rejection('unsigned', 'commands must be signed: {"cmd","kid","sig"} (use `vgw send`)');
    const operator = this.keys.get(kid);
    if (!operator) throw new Rejection('unknown-key', `key id "${kid.slice(0, 64)}" is not trusted by this gateway (commands.operators)`);
    if (!verifyCommand({ cmd, kid, sig }, operator.key)) throw new Rejection('bad-signature', 'signature does not match the command bytes and key');
    const refuse = (code: RejectCode, message: string) => new Rejection(code, message, true);
    const parsed = commandSchema.safeParse(inner);
    if (!parsed.success) throw refuse('invalid', `command fields: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const c = parsed.data;
    const definition = this.definitions.get(c.name);
    if (!definition) throw refuse('invalid', `unknown command "${c.name}"; this gateway handles: ${[...this.definitions.keys()].join(', ')}`);
    if (definition.role && !operator.roles.includes(definition.role) && !operator.roles.includes('admin')) {
      throw refuse('forbidden', `key "${kid}" lacks the role "${definition.role}" that ${c.name} needs`);
    }
    const where = parseCommandTopic(topic);
    const { township, id: gatewayId } = this.deps.config.gateway;
    if (!where || where.name !== c.name || where.township !== c.township || where.target !== c.target || c.township !== township || (c.target !== gatewayId && c.target !== 'all')) {
      throw refuse('misdirected', `signed for ${c.township}/${c.target}/${c.name}, arrived on ${topic}`);
    }
    const { timeFloor, clock } = this.deps;
    const { now, byFloor } = timeFloor.judge(clock);
    const issuedAt = Date.parse(c.issuedAt);
    const expiresAt = Date.parse(c.expiresAt);
    if (expiresAt <= now) {
      // Judged by the floor when the system clock alone would have let it run (issue 8, #13).
      throw refuse('expired', byFloor ? `expired at ${c.expiresAt} (judged by the trusted time floor ${new Date(now).toISOString()}, the system clock is behind: ${new Date(clock.now()).toISOString()})` : `expired at ${c.expiresAt}`);
    }
    if (expiresAt - issuedAt > this.deps.config.commands.maxLifetimeSec * 1000) throw refuse('invalid', `lifetime longer than commands.maxLifetimeSec (${this.deps.config.commands.maxLifetimeSec} s)`);
    const extra = Object.fromEntries(Object.entries(c).filter(([k]) => !COMMON.has(k)));
    const params = definition.params.safeParse(extra);
    if (!params.success) throw refuse('invalid', `parameters: ${params.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
    // Claimed last: a command refused for any other reason may be sent again, corrected, with its id.
    if (!this.deps.ids.claim(c.id, c.name, now, expiresAt)) throw refuse('replayed', `command ${c.id} was already received`);
    // Signed by a trusted operator and valid: without NTP its issue time is the best time this box knows.
    // With a synced clock the clock wins, so one operator tool with a clock far ahead cannot push the
    // floor (which never goes back) into the future and expire every later command.
    if (!clock.synced()) timeFloor.raise(issuedAt);
    const command: Command = { id: c.id, name: c.name, by: c.by, issuedAt, expiresAt, params: params.data };
    return { command, kid, definition };
  }

  /**
   * The final reply of a command whose `run` resolved `'accepted'`, also after a restart (the MQTT 5
   * response topic is then forgotten; `replies/{id}` is the durable answer).
   */
  async settle(id: string, outcome: { status: 'done' } | { status: 'failed'; error: { code: string; message: string } }): Promise<void> {
    const properties = this.later.get(id);
    this.later.delete(id);
    await this.reply(id, outcome.status, outcome.status === 'failed' ? outcome.error : undefined, properties);
  }

  /** Stores the reply; `properties` only of a verified command (the response topic is not signed). */
  private async reply(id: string, status: 'rejected' | 'done' | 'failed' | 'accepted', error: { code: string; message: string } | undefined, properties?: ReplyProperties): Promise<void> {
    const { topics, clock, outbox, respond } = this.deps;
    const payload = Buffer.from(JSON.stringify({ id, status, ts: isoLocal(clock.now()), ...(error ? { error } : {}) }));
    this.countOutcome(status, error?.code);
    await outbox.add({ kind: 'reply', prio: 0, topic: topics.reply(id), payload, qos: 1, retain: false });
    const rt = properties?.responseTopic;
    if (answerableResponseTopic(rt)) respond(rt, payload, properties?.correlationData);
  }

  /** The names of the registered commands (`vgw send` has a form for each). */
  names(): string[] {
    return [...this.definitions.keys()];
  }
}

function parseJson(payload: Buffer): unknown {
  try {
    return JSON.parse(payload.toString('utf8'));
  } catch {
    return undefined;
  }
}

function keysOf(operators: RouterDeps['config']['commands']['operators']): Map<string, { key: KeyObject; roles: readonly Role[] }> {
  return new Map(operators.map((o) => [o.kid, { key: loadPublicKey(o.publicKey), roles: o.roles }]));
}
