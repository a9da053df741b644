/**
 * The parameters of `access.sync` (issue 10, item 4): a full whitelist, or a delta from a named base
 * version. docs/schemas/access-sync.json is generated from this schema (test/access/sync-schema.test.ts
 * keeps them equal). Size limits bound what one command may make the box write.
 */
import { z } from 'zod';

/** Most persons in one sync (a township's largest village has some 15,000 residents). */
export const MAX_PERSONS = 50_000;
/** Most credentials one person holds (cards, a PIN, a QR code). */
export const MAX_CREDENTIALS = 8;

const PERSON_ID = /^[A-Za-z0-9._-]{1,64}$/;
const NAME = /^[a-z0-9-]{1,64}$/;
/** A local date `YYYY-MM-DD` (whole days in the gateway's time zone) or a time with its offset. */
const WHEN = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?([+-]\d{2}:\d{2}|Z))?$/;
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;

const credential = z
  .object({
    /** How it is presented; a face terminal's match is looked up by person id, not by a credential. */
    method: z.enum(['card', 'pin', 'qr']),
    /** The card number (decimal as the reader sends it), the PIN or the QR text; stored only as a keyed hash. */
    value: z.string().min(1).max(512),
  })
  .strict()
  .superRefine((c, ctx) => {
    // The messages never repeat the value: config and command errors must not carry a PIN in clear.
    if (c.method === 'card' && !/^\d{1,20}$/.test(c.value)) ctx.addIssue({ code: 'custom', path: ['value'], message: 'a card number is 1 to 20 decimal digits' });
    if (c.method === 'pin' && !/^\d{4,8}$/.test(c.value)) ctx.addIssue({ code: 'custom', path: ['value'], message: 'a PIN is 4 to 8 digits' });
  });

const window = z
  .object({
    /** ISO weekdays it applies on: 1 Monday … 7 Sunday. */
    days: z.array(z.number().int().min(1).max(7)).min(1).max(7),
    /** Local start `HH:MM`. */
    from: z.string().regex(HHMM),
    /** Local end `HH:MM`, exclusive; at or before `from`: ends on the next day. */
    to: z.string().regex(HHMM),
  })
  .strict();

export const personSchema = z
  .object({
    /** The township's person id (not a name: the box keeps no names). */
    id: z.string().regex(PERSON_ID),
    /** resident, staff or visitor. */
    kind: z.enum(['resident', 'staff', 'visitor']),
    /** Watch-listed (重点人员): always refused, and the rules raise an alert. */
    watchListed: z.boolean().default(false),
    /** The lists the person belongs to (e.g. `elderly-alone`), for the alert rules. */
    lists: z.array(z.string().regex(NAME)).max(16).default([]),
    /** Doors they may open: door ids, `group:{name}`, or `*` for every door. */
    doors: z.array(z.string().regex(/^(\*|group:[a-z0-9-]{1,64}|[a-z0-9-]{1,64})$/)).max(64).default([]),
    /** Valid from (inclusive). */
    validFrom: z.string().regex(WHEN).optional(),
    /** Valid until: a date is valid through that whole day; a time is exclusive. Visitors must have one. */
    validTo: z.string().regex(WHEN).optional(),
    /** Weekly windows in the gateway's time zone; unset: any time. */
    windows: z.array(window).min(1).max(16).optional(),
    /** A visitor's host (a person id). */
    host: z.string().regex(PERSON_ID).optional(),
    credentials: z.array(credential).max(MAX_CREDENTIALS).default([]),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.kind === 'visitor' && !p.host) ctx.addIssue({ code: 'custom', path: ['host'], message: 'a visitor needs a host (the person id they visit)' });
    if (p.kind === 'visitor' && !p.validTo) ctx.addIssue({ code: 'custom', path: ['validTo'], message: 'a visitor needs validTo (the visit\'s expiry)' });
  });
/** One person as the township sends it. */
export type PersonInput = z.infer<typeof personSchema>;

const groupSchema = z
  .object({
    /** Group name, as persons' `doors` name it: `group:{name}`. */
    name: z.string().regex(NAME),
    /** Its door ids. */
    doors: z.array(z.string().regex(NAME)).min(1).max(256),
  })
  .strict();
/** A named set of doors. */
export type GroupInput = z.infer<typeof groupSchema>;

const fullFields = {
  /** Replaces the whole whitelist. */
  mode: z.literal('full'),
  /** The whitelist version this makes current. */
  version: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  groups: z.array(groupSchema).max(1000).default([]),
  persons: z.array(personSchema).max(MAX_PERSONS),
};

const deltaFields = {
  /** Changes the whitelist of version `baseVersion`; any other version is refused with `full-sync-required`. */
  mode: z.literal('delta'),
  /** The version this delta was made against. */
  baseVersion: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  /** The version after it (greater than `baseVersion`). */
  version: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  /** Groups added or replaced. */
  groups: z.array(groupSchema).max(1000).default([]),
  /** Persons added or replaced (with all their credentials). */
  persons: z.array(personSchema).max(MAX_PERSONS).default([]),
  /** Person ids removed. */
  remove: z.array(z.string().regex(PERSON_ID)).max(MAX_PERSONS).default([]),
  /** Group names removed. */
  removeGroups: z.array(z.string().regex(NAME)).max(1000).default([]),
};

const versionAfterBase = { path: ['version'], message: 'must be greater than baseVersion' };

/** `access.sync` parameters, persons included (docs/schemas/access-sync.json is made from this). */
export const syncParamsSchema = z.discriminatedUnion('mode', [
  z.object(fullFields).strict(),
  z.object(deltaFields).strict().refine((d) => d.version > d.baseVersion, versionAfterBase),
]);
/** Validated `access.sync` parameters. */
export type SyncParams = z.infer<typeof syncParamsSchema>;

/**
 * What the command router checks at once: everything but the persons, which `parsePersons` checks a
 * chunk per event-loop turn (20,000 persons took zod 100–270 ms in one go, with every event waiting).
 */
const lazyPersons = z.array(z.unknown()).max(MAX_PERSONS);
export const syncEnvelopeSchema = z.discriminatedUnion('mode', [
  z.object({ ...fullFields, persons: lazyPersons }).strict(),
  z.object({ ...deltaFields, persons: lazyPersons.default([]) }).strict().refine((d) => d.version > d.baseVersion, versionAfterBase),
]);
/** `access.sync` parameters with the persons not yet checked. */
export type SyncEnvelope = z.infer<typeof syncEnvelopeSchema>;

/** Persons checked per turn. */
const PARSE_CHUNK = 200;
/** Problems named in one refusal. */
const MAX_ISSUES = 5;

/** Checks the persons a chunk per turn; throws `Error` with the first problems (paths and messages, never values). */
export async function parsePersons(list: readonly unknown[]): Promise<PersonInput[]> {
  const out: PersonInput[] = [];
  const issues: string[] = [];
  for (let i = 0; i < list.length && issues.length === 0; i += PARSE_CHUNK) {
    list.slice(i, i + PARSE_CHUNK).forEach((raw, j) => {
      const r = personSchema.safeParse(raw);
      if (r.success) out.push(r.data);
      else for (const issue of r.error.issues) issues.push(`persons.${i + j}.${issue.path.join('.')}: ${issue.message}`);
    });
    await new Promise((r) => setImmediate(r));
  }
  if (issues.length) throw new Error(`parameters: ${issues.slice(0, MAX_ISSUES).join('; ')}${issues.length > MAX_ISSUES ? `; and ${issues.length - MAX_ISSUES} more` : ''}`);
  return out;
}
