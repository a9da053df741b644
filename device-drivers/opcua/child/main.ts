/**
 * The OPC UA child process (issue 15): the only process that loads node-opcua. Forked by the daemon
 * (../host.ts) and spoken to over the fork channel (../ipc.ts); it ends when the channel closes, so a
 * daemon that dies does not leave it behind.
 */
import type { OPCUACertificateManager } from 'node-opcua-certificate-manager';
import type { FromChild, ToChild } from '../ipc.js';
import { Endpoint } from './endpoint.js';
import { certificateManager } from './pki.js';
import { GatewayServer } from './server.js';

const pkiDir = process.env.VGW_OPCUA_PKI ?? '';
const send = (m: FromChild): void => {
  if (process.connected) process.send?.(m);
};
const log = (level: 'info' | 'warn' | 'error' | 'debug', obj: Record<string, unknown>, msg: string): void => send({ t: 'log', level, obj: { component: 'opcua-child', ...obj }, msg });

const endpoints = new Map<string, Endpoint>();
let server: GatewayServer | null = null;
let clientPki: Promise<OPCUACertificateManager> | null = null;
// One store for every client connection: one application certificate, created on first use.
const clientCertificates = () => (clientPki ??= certificateManager(pkiDir, 'client', true));

async function handle(m: ToChild): Promise<void> {
  switch (m.t) {
    case 'mount': {
      await endpoints.get(m.spec.device)?.stop();
      const endpoint = new Endpoint(m.spec, send, clientCertificates, pkiDir);
      endpoints.set(m.spec.device, endpoint);
      return endpoint.start();
    }
    case 'unmount': {
      const endpoint = endpoints.get(m.device);
      endpoints.delete(m.device);
      return endpoint?.stop();
    }
    case 'ack':
      return endpoints.get(m.device)?.ack(m.seq);
    case 'write': {
      const endpoint = endpoints.get(m.device);
      const result = endpoint ? await endpoint.write(m.item, m.value).catch((err: unknown) => ({ ok: false, message: (err as Error).message })) : { ok: false, message: 'not mounted' };
      return send({ t: 'write-result', device: m.device, req: m.req, ...result });
    }
    case 'server-start':
      await server?.stop();
      server = new GatewayServer(m.spec, send, pkiDir, log);
      return server.start();
    case 'server-set':
      return server?.set(m.values);
    case 'server-stop':
      await server?.stop();
      server = null;
      return;
    case 'login-result':
    case 'call-result':
      return server?.answer(m);
    case 'stop':
      return shutdown();
  }
}

async function shutdown(): Promise<void> {
  await Promise.allSettled([...endpoints.values()].map((e) => e.stop()));
  await server?.stop();
  process.exit(0);
}

process.on('message', (m: ToChild) => {
  handle(m).catch((err: unknown) => log('error', { err: { message: (err as Error).message, stack: (err as Error).stack }, message: m.t }, 'opcua child request failed'));
});
process.on('disconnect', () => void shutdown());
send({ t: 'ready' });
