/**
 * The gateway's own OPC UA server, in the child (issue 15): Objects/Village holds the variables the
 * daemon sends (zones, doors, the notice queue, devices, the outbox) and the methods Arm, Disarm,
 * UnlockDoor and Broadcast. Logins and calls are decided by the daemon: the password hashes, the users'
 * roles and the command router stay there; the child only carries them over the fork channel.
 * Anonymous sessions are refused and only the configured secure endpoints are offered.
 */
import { DataType, StatusCodes, Variant, type StatusCode } from 'node-opcua-client';
import { nodesets } from 'node-opcua-nodesets';
import type { INamespace, ISessionContext, UAObject, UAVariable } from 'node-opcua-address-space-base';
import { OPCUAServer } from 'node-opcua-server';
import type { FromChild, MethodSpec, ServerSpec, ServerValue, ToChild } from '../ipc.js';
import { certificateManager } from './pki.js';
import { securityMode, securityPolicy } from './security.js';

type Log = (level: 'info' | 'warn' | 'error', obj: Record<string, unknown>, msg: string) => void;
type Answer = Extract<ToChild, { t: 'login-result' } | { t: 'call-result' }>;

/** Longest a login or a call waits for the daemon. */
const ANSWER_TIMEOUT_MS = 30_000;

/** The router's refusal codes as OPC UA status codes (OPC 10000-4 §7.39). */
function statusOf(code: string): StatusCode {
  switch (code) {
    case 'done':
    case 'accepted':
      return StatusCodes.Good;
    case 'forbidden':
      return StatusCodes.BadUserAccessDenied;
    case 'invalid':
      return StatusCodes.BadInvalidArgument;
    default:
      return StatusCodes.BadInternalError;
  }
}

export class GatewayServer {
  private server: OPCUAServer | null = null;
  private readonly variables = new Map<string, { node: UAVariable; type: ServerValue['type'] }>();
  private readonly waiting = new Map<number, (a: Answer) => void>();
  private nextReq = 1;

  constructor(
    private readonly spec: ServerSpec,
    private readonly send: (m: FromChild) => void,
    private readonly pkiDir: string,
    private readonly log: Log,
  ) {}

  async start(): Promise<void> {
    try {
      const { spec } = this;
      const server = new OPCUAServer({
        port: spec.port,
        hostname: spec.host,
        nodeset_filename: [nodesets.standard],
        serverCertificateManager: await certificateManager(this.pkiDir, 'server', spec.acceptUnknownClients),
        userCertificateManager: await certificateManager(this.pkiDir, 'users', false),
        securityModes: spec.security.map(securityMode),
        securityPolicies: spec.security.map(securityPolicy),
        allowAnonymous: false,
        maxConnectionsPerEndpoint: spec.maxSessions,
        // Server-side limits: a client asking for huge queues grew node-opcua's heap past 1 GB (node-opcua#955).
        serverCapabilities: { maxSessions: spec.maxSessions, maxMonitoredItems: 1000, operationLimits: { maxNodesPerRead: 500, maxNodesPerBrowse: 500 } },
        buildInfo: { productName: 'village-gateway', manufacturerName: 'village-gateway' },
        userManager: { isValidUserAsync: (user, password, done) => void this.ask<'login-result'>({ t: 'login', req: 0, user, password }).then((a) => done(null, a.ok), () => done(null, false)) },
      });
      this.server = server;
      await server.initialize();
      this.build(server);
      await server.start();
      this.send({ t: 'server-started', port: server.endpoints[0]?.port ?? spec.port, endpoints: server.endpoints.flatMap((e) => e.endpointDescriptions().map((d) => `${d.endpointUrl} ${securityName(d.securityMode)} ${d.securityPolicyUri?.split('#')[1] ?? ''}`)) });
    } catch (err) {
      this.send({ t: 'server-failed', message: (err as Error).message });
    }
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const done of this.waiting.values()) done({ t: 'call-result', req: 0, ok: false, code: 'failed', message: 'the server is stopping' });
    await server?.shutdown(0);
  }

  set(values: ServerValue[]): void {
    for (const v of values) {
      const held = this.variables.get(v.path.join('.'));
      held?.node.setValueFromSource(new Variant({ dataType: DataType[held.type], value: v.value }));
    }
  }

  answer(a: Answer): void {
    this.waiting.get(a.req)?.(a);
  }

  private ask<T extends Answer['t']>(m: Extract<FromChild, { t: 'login' } | { t: 'call' }>): Promise<Extract<Answer, { t: T }>> {
    const req = this.nextReq++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => (this.waiting.delete(req), reject(new Error('no answer from the gateway'))), ANSWER_TIMEOUT_MS);
      this.waiting.set(req, (a) => (clearTimeout(timer), this.waiting.delete(req), resolve(a as Extract<Answer, { t: T }>)));
      this.send({ ...m, req });
    });
  }

  private build(server: OPCUAServer): void {
    const addressSpace = server.engine.addressSpace;
    if (!addressSpace) throw new Error('the OPC UA server has no address space');
    const ns = addressSpace.getOwnNamespace();
    const village = ns.addObject({ organizedBy: addressSpace.rootFolder.objects, browseName: 'Village', nodeId: 's=Village' });
    const folders = new Map<string, UAObject>([['', village]]);
    const folder = (path: string[]): UAObject => {
      const key = path.join('.');
      const held = folders.get(key);
      if (held) return held;
      const parent = folder(path.slice(0, -1));
      const made = ns.addObject({ componentOf: parent, browseName: path[path.length - 1] as string, nodeId: `s=Village.${key}` });
      folders.set(key, made);
      return made;
    };
    for (const v of this.spec.values) {
      const key = v.path.join('.');
      // Stable string NodeIds from the path, so a SCADA configuration survives restarts.
      const node = ns.addVariable({ componentOf: folder(v.path.slice(0, -1)), browseName: v.path[v.path.length - 1] as string, nodeId: `s=Village.${key}`, dataType: v.type, minimumSamplingInterval: 100, value: new Variant({ dataType: DataType[v.type], value: v.value }) });
      this.variables.set(key, { node, type: v.type });
    }
    for (const m of this.spec.methods) this.method(ns, village, m);
  }

  private method(ns: INamespace, village: UAObject, m: MethodSpec): void {
    const method = ns.addMethod(village, {
      browseName: m.name,
      nodeId: `s=Village.${m.name}`,
      description: m.description,
      inputArguments: m.args.map((a) => ({ name: a.name, description: { text: a.description }, dataType: DataType[a.type] })),
      outputArguments: [{ name: 'Result', description: { text: 'what the gateway did, or why it refused' }, dataType: DataType.String }],
    });
    method.bindMethod(async (inputs: Variant[], context: ISessionContext) => {
      const token = context.session?.userIdentityToken as { userName?: string } | undefined;
      const args = Object.fromEntries(m.args.map((a, i) => [a.name, inputs[i]?.value as string | number]));
      const out = (status: StatusCode, text: string) => ({ statusCode: status, outputArguments: [new Variant({ dataType: DataType.String, value: text })] });
      if (!token?.userName) return out(StatusCodes.BadUserAccessDenied, 'log in with a user name and password');
      try {
        const a = await this.ask<'call-result'>({ t: 'call', req: 0, user: token.userName, method: m.name, args });
        return out(statusOf(a.code), a.message);
      } catch (err) {
        this.log('warn', { method: m.name, message: (err as Error).message }, 'opcua method call unanswered');
        return out(StatusCodes.BadTimeout, (err as Error).message);
      }
    });
  }
}

function securityName(mode: number): string {
  return ['Invalid', 'None', 'Sign', 'SignAndEncrypt'][mode] ?? String(mode);
}
