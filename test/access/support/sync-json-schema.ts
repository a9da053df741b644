/**
 * docs/schemas/access-sync.json as generated from the zod schema the gateway validates `access.sync`
 * with (gateway/access/sync-payload.ts), so the published schema and the code cannot drift apart.
 * Regenerate: VGW_WRITE_SCHEMAS=1 npx vitest run test/access/sync-schema.test.ts
 */
import { z } from 'zod';
import { syncParamsSchema } from '../../../gateway/access/sync-payload.js';

export const SYNC_SCHEMA_FILE = new URL('../../../docs/schemas/access-sync.json', import.meta.url);

export function buildSyncJsonSchema(): Record<string, unknown> {
  // `input`: what an operator's tool may send (defaults make fields optional).
  const generated = z.toJSONSchema(syncParamsSchema, { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>;
  const { $schema: _drop, ...body } = generated;
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'urn:vgw:schema:access-sync',
    title: 'access.sync parameters',
    description:
      'The parameters of an `access.sync` command (role `admin`), beside the common command fields: the whole whitelist (`mode: full`), or a delta made against `baseVersion` (`mode: delta`), which a gateway at another version answers `failed` with code `full-sync-required`. Credential values are sent only here, over the signed command; the gateway keeps them as keyed hashes. Limits: 50,000 persons, 8 credentials per person; raise the gateway\'s commands.maxPayloadBytes (default 64 KiB, at most 16 MiB) for large lists. Dates `YYYY-MM-DD` are local days of the gateway; weekly windows are in its time zone.',
    ...body,
  };
}
