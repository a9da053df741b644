/**
 * A small OPC UA server in the test process, standing in for a pump station's PLC or a fire panel
 * (issue 15): Objects/Station with Fire (Boolean), Level (Double) and Pump (Boolean, writable), on a
 * free loopback port; it can be stopped and started again on the same port (a server restart).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OPCUACertificateManager } from 'node-opcua-certificate-manager';
import { DataType, MessageSecurityMode, SecurityPolicy, StatusCodes, Variant, type StatusCode } from 'node-opcua-client';
import type { UAVariable } from 'node-opcua-address-space-base';
import { OPCUAServer } from 'node-opcua-server';
import { freePort } from '../support/ports.js';

export interface PlcOptions {
  /** Users the server accepts (name → password); none: anonymous only. */
  users?: Record<string, string>;
  /** Accept anonymous sessions (default: when no users are given). */
  anonymous?: boolean;
  /** Trust client certificates on first sight (default true); false: unknown ones are rejected. */
  acceptUnknownClients?: boolean;
}

type Value = boolean | number;

export class Plc {
  private server: OPCUAServer | null = null;
  private readonly nodes = new Map<string, UAVariable>();
  private readonly values = new Map<string, { type: DataType; value: Value; status: StatusCode }>([
    ['Fire', { type: DataType.Boolean, value: false, status: StatusCodes.Good }],
    ['Level', { type: DataType.Double, value: 1, status: StatusCodes.Good }],
    ['Pump', { type: DataType.Boolean, value: false, status: StatusCodes.Good }],
  ]);
  readonly pki = mkdtempSync(join(tmpdir(), 'vgw-plc-pki-'));
  port = 0;

  constructor(private readonly o: PlcOptions = {}) {}

  get url(): string {
    return `opc.tcp://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (!this.port) this.port = await freePort();
    const manager = new OPCUACertificateManager({ rootFolder: join(this.pki, 'server'), automaticallyAcceptUnknownCertificate: this.o.acceptUnknownClients ?? true });
    await manager.initialize();
    const users = this.o.users ?? {};
    const server = new OPCUAServer({
      port: this.port,
      hostname: '127.0.0.1',
      serverCertificateManager: manager,
      securityModes: [MessageSecurityMode.None, MessageSecurityMode.SignAndEncrypt],
      securityPolicies: [SecurityPolicy.None, SecurityPolicy.Basic256Sha256],
      allowAnonymous: this.o.anonymous ?? Object.keys(users).length === 0,
      userManager: { isValidUser: (u: string, p: string) => users[u] === p },
    });
    await server.initialize();
    const addressSpace = server.engine.addressSpace!;
    const ns = addressSpace.getOwnNamespace();
    const station = ns.addObject({ organizedBy: addressSpace.rootFolder.objects, browseName: 'Station' });
    for (const [name, v] of this.values) {
      const node = ns.addVariable({ componentOf: station, browseName: name, nodeId: `s=${name}`, dataType: v.type === DataType.Boolean ? 'Boolean' : 'Double', minimumSamplingInterval: 20 });
      node.setValueFromSource(new Variant({ dataType: v.type, value: v.value }), v.status);
      // A write from the gateway lands in our copy too, so it survives our restarts.
      node.on('value_changed', (dv) => {
        const held = this.values.get(name);
        if (held && typeof dv.value.value !== 'object') held.value = dv.value.value as Value;
      });
      this.nodes.set(name, node);
    }
    await server.start();
    this.server = server;
  }

  /** Sets a value (and optionally a status other than Good), as the plant would. */
  set(name: 'Fire' | 'Level' | 'Pump', value: Value, status: StatusCode = StatusCodes.Good): void {
    const held = this.values.get(name)!;
    held.value = value;
    held.status = status;
    this.nodes.get(name)?.setValueFromSource(new Variant({ dataType: held.type, value }), status);
  }

  get(name: 'Fire' | 'Level' | 'Pump'): Value {
    return this.values.get(name)!.value;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    this.nodes.clear();
    await server?.shutdown(0);
  }
}
