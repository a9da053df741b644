/**
 * A config file edited in place through the yaml document API, so the installer's comments and key
 * order stay (issue 12, item 2). Every edit is validated as the gateway would before the file is
 * replaced (written beside it, then renamed: a power cut leaves the old file or the new, never half).
 */
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { isSeq, parseDocument, type Document, type YAMLSeq } from 'yaml';
import { GatewayError } from '../../gateway/kernel/errors.js';
import { parseConfig } from '../../gateway/config/load.js';
import type { Config } from '../../gateway/config/schema.js';

/** The parsed document of `file`; a file that is not YAML is refused like `vgw check` refuses it. */
export function readConfigDoc(file: string): Document {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new GatewayError('VGW_CONFIG_UNREADABLE', `cannot read config file "${file}": ${(err as Error).message}; check the path given with --config (vgw init writes one)`, false, { cause: err });
  }
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new GatewayError('VGW_CONFIG_INVALID', `config file "${file}" is not valid YAML:\n${doc.errors.map((e) => `  - ${e.message}`).join('\n')}`);
  return doc;
}

/** The list at `key` (`devices`, `zones`), made a block list so added entries get a line each. */
export function listAt(doc: Document, key: string): YAMLSeq {
  let seq = doc.get(key, true);
  if (!isSeq(seq)) {
    seq = doc.createNode([]);
    doc.set(key, seq);
  }
  const list = seq as YAMLSeq;
  list.flow = false;
  return list;
}

/** Validates `doc` as a whole config (the loader's messages: key, value, fix). */
export function validateDoc(doc: Document, file: string): Config {
  return parseConfig(doc.toJS(), `config file "${file}"`);
}

/** Replaces `file` with `doc`, keeping its mode. */
export function saveConfigDoc(doc: Document, file: string): void {
  const tmp = `${file}.vgw-new`;
  writeFileSync(tmp, doc.toString(), { mode: statSync(file).mode & 0o777 });
  renameSync(tmp, file);
}
