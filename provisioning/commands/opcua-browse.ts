/**
 * The work of `vgw opcua browse` (see ./opcua.ts): connects like the gateway's OPC UA driver would,
 * walks the hierarchy under Objects breadth-first and prints each node's browse path, NodeId, class
 * and (for variables) its value and status; `--watch` then follows the variables' changes.
 */
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import {
  AttributeIds,
  BrowseDirection,
  ClientMonitoredItem,
  NodeClass,
  OPCUAClient,
  TimestampsToReturn,
  UserTokenType,
  type ClientSession,
  type DataValue,
  type ReferenceDescription,
} from 'node-opcua-client';
import { explain } from '../../device-drivers/opcua/child/errors.js';
import { certificateManager } from '../../device-drivers/opcua/child/pki.js';
import { securityMode, securityPolicy } from '../../device-drivers/opcua/child/security.js';
import { loadConfigFile } from '../../gateway/config/load.js';
import { CliError } from './cli-error.js';
import type { BrowseInput } from './opcua-command.js';

const CLI_KEYS = { endpoint: 'the URL', user: '--user', password: 'the password in --password-file', security: '--security' };
/** The standard Server object (ns=0;i=2253): hundreds of diagnostics nodes an installer does not map. */
const SERVER_OBJECT = 'ns=0;i=2253';

function shown(dv: DataValue): string {
  const v: unknown = dv.value?.value;
  const text = v === null || v === undefined ? 'null' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return `= ${text.slice(0, 80)} (${dv.statusCode.name})`;
}

/** Lists the nodes under Objects; returns the variables listed (for --watch). */
async function walk(session: ClientSession, o: BrowseInput, out: (line: string) => void): Promise<string[]> {
  const variables: string[] = [];
  let listed = 0;
  let level: { nodeId: string; path: string }[] = [{ nodeId: 'ns=0;i=85', path: '' }];
  for (let depth = 1; depth <= o.depth && level.length > 0; depth++) {
    const next: typeof level = [];
    for (const parent of level) {
      const result = await session.browse({ nodeId: parent.nodeId, browseDirection: BrowseDirection.Forward, referenceTypeId: 'HierarchicalReferences', includeSubtypes: true, resultMask: 63 });
      for (const ref of (result.references ?? []) as ReferenceDescription[]) {
        const nodeId = ref.nodeId.toString();
        if (nodeId === SERVER_OBJECT) continue;
        if (listed >= o.maxNodes) {
          out(`… more nodes not listed (raise --max-nodes ${o.maxNodes})`);
          return variables;
        }
        listed++;
        const path = `${parent.path}/${ref.browseName.toString()}`;
        const kind = NodeClass[ref.nodeClass] ?? String(ref.nodeClass);
        let value = '';
        if (ref.nodeClass === NodeClass.Variable) {
          value = ` ${shown(await session.read({ nodeId, attributeId: AttributeIds.Value }))}`;
          variables.push(nodeId);
        }
        out(`${'  '.repeat(depth - 1)}${path}  ${nodeId}  ${kind}${value}`);
        if (ref.nodeClass === NodeClass.Object) next.push({ nodeId, path });
      }
    }
    level = next;
  }
  return variables;
}

async function watch(session: ClientSession, variables: string[], seconds: number, out: (line: string) => void): Promise<void> {
  out(`watching ${variables.length} variables for ${seconds} s (Ctrl-C stops)`);
  const subscription = await session.createSubscription2({ requestedPublishingInterval: 500, requestedLifetimeCount: 60, requestedMaxKeepAliveCount: 10, publishingEnabled: true });
  for (const nodeId of variables) {
    const item = ClientMonitoredItem.create(subscription, { nodeId, attributeId: AttributeIds.Value }, { samplingInterval: 250, queueSize: 10, discardOldest: true }, TimestampsToReturn.Both);
    item.on('changed', (dv: DataValue) => out(`${new Date().toISOString()}  ${nodeId} ${shown(dv)}`));
  }
  await new Promise((r) => setTimeout(r, seconds * 1000));
  await subscription.terminate();
}

export async function browse(url: string, o: BrowseInput, out: (line: string) => void = (l) => void process.stdout.write(`${l}\n`)): Promise<number> {
  const { security, password: pass } = o;
  // Kept between runs: making the application certificate takes seconds on a Pi.
  const pkiDir = o.config ? join(loadConfigFile(o.config).gateway.dataDir, 'opcua-pki') : join(tmpdir(), `vgw-browse-pki-${userInfo().uid}`);
  const client = OPCUAClient.create({ applicationName: 'village-gateway', endpointMustExist: false, securityMode: securityMode(security), securityPolicy: securityPolicy(security), clientCertificateManager: await certificateManager(pkiDir, 'client', true), connectionStrategy: { maxRetry: 0 } });
  try {
    out(`connecting to ${url} (security ${security.mode}/${security.policy}${o.user ? `, user ${o.user}` : ', anonymous'})`);
    await client.connect(url);
    const session = await client.createSession(o.user ? { type: UserTokenType.UserName, userName: o.user, password: pass as string } : { type: UserTokenType.Anonymous });
    out('Objects  ns=0;i=85');
    const variables = await walk(session, o, out);
    out('put a NodeId in devices[].items[].nodeId, or a path (without /Objects) in browsePath');
    if (o.watch) await watch(session, variables, o.watch, out);
    await session.close();
    return 0;
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(explain({ where: url, endpoint: url, security, user: o.user, keys: CLI_KEYS }, err, pkiDir), 1, { cause: err });
  } finally {
    await client.disconnect().catch(() => {});
  }
}
