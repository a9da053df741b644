/**
 * docs/asyncapi.yaml, read by the AsyncAPI parser (the one the AsyncAPI CLI and generators use): no
 * errors or warnings, and it describes every topic of the contract with the JSON Schemas the contract
 * tests validate real messages against.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Parser, fromFile, type Diagnostic } from '@asyncapi/parser';
import { describe, expect, it } from 'vitest';

const DOCS = new URL('../../docs/', import.meta.url);

/**
 * The schemas refer to each other by `$id` (`urn:vgw:schema:{name}`), as the document's description
 * says; AsyncAPI tools need to be told where such a URN lives, as Ajv is told by loading the files.
 */
const urnResolver = {
  schema: 'urn',
  read: (uri: { toString(): string }): string => {
    const name = /^urn:vgw:schema:([a-z-]+)$/.exec(uri.toString().replace(/#.*$/, ''))?.[1];
    if (!name) throw new Error(`no schema file for ${uri.toString()}`);
    return readFileSync(new URL(`schemas/${name}.json`, DOCS), 'utf8');
  },
};

describe('AsyncAPI document', () => {
  it('parses and validates with no errors or warnings, and covers the contract', async () => {
    const parser = new Parser({ __unstable: { resolver: { resolvers: [urnResolver] } } });
    const { document, diagnostics } = await fromFile(parser, new URL('asyncapi.yaml', DOCS).pathname).parse();
    // Severity 0 is an error, 1 a warning (Spectral); hints and infos (e.g. "3.1.0 exists") are fine.
    const problems = diagnostics.filter((d: Diagnostic) => d.severity <= 1).map((d: Diagnostic) => `${d.code}: ${d.message} at ${d.path.join('.')}`);
    expect(problems).toEqual([]);
    expect(document).toBeDefined();

    const addresses = document!.channels().all().map((c) => c.address()).sort();
    expect(addresses).toEqual([
      'pingan/v1/{township}/all/cmd/{name}',
      'pingan/v1/{township}/{gateway}/cmd/{name}',
      'pingan/v1/{township}/{gateway}/devices/{device}/state',
      'pingan/v1/{township}/{gateway}/events/{category}',
      'pingan/v1/{township}/{gateway}/metrics',
      'pingan/v1/{township}/{gateway}/replies/{commandId}',
      'pingan/v1/{township}/{gateway}/snapshots/{eventId}',
      'pingan/v1/{township}/{gateway}/status',
    ]);
    const sends = document!.operations().filterBySend().map((o) => o.channels().all()[0]?.address());
    const receives = document!.operations().filterByReceive().map((o) => o.channels().all()[0]?.address());
    expect(sends).toHaveLength(6);
    expect(receives.sort()).toEqual(['pingan/v1/{township}/all/cmd/{name}', 'pingan/v1/{township}/{gateway}/cmd/{name}']);
  });

  it('refers to every JSON Schema file the contract tests use', () => {
    const yaml = readFileSync(new URL('asyncapi.yaml', DOCS), 'utf8');
    const referenced = new Set([...yaml.matchAll(/\$ref: '\.\/schemas\/([a-z-]+\.json)'/g)].map((m) => m[1]));
    const files = readdirSync(new URL('schemas/', DOCS)).filter((f) => f.endsWith('.json'));
    // system-data.json is reached through event.json (by its $id), not from the document itself.
    expect([...referenced, 'system-data.json'].sort()).toEqual(files.sort());
  });
});
