/**
 * `vgw township-acl` (issue 12, item 3): what the township broker needs for this gateway, ready to paste —
 * its password entry, hashed from `uplink.passwordFile`, and the contract's ACL lines (the gateway's own
 * subtree, plus read access to township-wide commands on `all/cmd/#`, which the contract's single line
 * does not cover). Mosquitto's password and ACL file, or EMQX's built-in database (users to import and
 * authorization rules) as JSON.
 */
import { CONTRACT_ROOT } from '../../gateway/kernel/topics.js';
import { uplinkCredentials } from '../../cloud-bridge/uplink-credentials.js';
import { loadConfigFile } from '../../gateway/config/load.js';
import { fail, type Out } from '../i18n/i18n.js';
import type { AclFormat } from './installer-commands.js';
import { EMQX_ITERATIONS, emqxHash, mosquittoHash } from './township-hashes.js';

/** Mosquitto ACL pattern lines of the contract; `%u` is the username, which is the gateway id. */
export const MOSQUITTO_PATTERNS = [`pattern readwrite ${CONTRACT_ROOT}/+/%u/#`, `pattern read ${CONTRACT_ROOT}/+/all/cmd/#`];

/** Prints the township broker's entries for the gateway of `configFile`. */
export function townshipAcl(configFile: string, format: AclFormat, out: Out): void {
  const config = loadConfigFile(configFile);
  const { id, township } = config.gateway;
  const username = config.uplink.username ?? id;
  if (username !== id) throw fail(out, 'acl.usernameNotId', { username, id }, 2);
  const password = uplinkCredentials(config.uplink).password;
  if (!password && format === 'emqx-json') throw fail(out, 'acl.noPassword', {}, 2);
  if (format === 'emqx-json') {
    const rules = [
      { topic: `${CONTRACT_ROOT}/${township}/${id}/#`, permission: 'allow', action: 'all' },
      { topic: `${CONTRACT_ROOT}/${township}/all/cmd/#`, permission: 'allow', action: 'subscribe' },
    ];
    const doc = {
      authenticator: { mechanism: 'password_based', backend: 'built_in_database', user_id_type: 'username', password_hash_algorithm: { name: 'pbkdf2', mac_fun: 'sha512', iterations: EMQX_ITERATIONS, dk_length: 64 } },
      import_users: [{ user_id: id, ...emqxHash(password as string), is_superuser: false }],
      authorization_rules_users: [{ username: id, rules }],
    };
    out.raw(JSON.stringify(doc, null, 2));
    return;
  }
  if (password) {
    out.raw(`# ${out.t('acl.passwordComment', { id })}`);
    out.raw(`${id}:${mosquittoHash(password)}`);
  } else {
    out.raw(`# ${out.t('acl.certComment', { id })}`);
  }
  out.raw(`# ${out.t('acl.patternComment')}`);
  for (const line of MOSQUITTO_PATTERNS) out.raw(line);
}
