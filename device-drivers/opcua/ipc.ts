/**
 * The messages between the daemon and its OPC UA child process over the `child_process.fork` channel
 * (issue 15). Plain JSON: no node-opcua type crosses it, so the daemon never loads node-opcua.
 */

/** Security of an OPC UA connection (OPC 10000-4 §7.20 MessageSecurityMode; §6.1 SecurityPolicy). */
export interface SecuritySpec {
  mode: 'None' | 'Sign' | 'SignAndEncrypt';
  policy: 'None' | 'Basic256Sha256' | 'Aes128_Sha256_RsaOaep' | 'Aes256_Sha256_RsaPss';
}

/** One monitored item as the child subscribes to it. */
export interface ItemSpec {
  name: string;
  /** A NodeId (`ns=2;s=Level`) or a browse path from the Objects folder (`/2:Station/2:Level`). */
  nodeId?: string | undefined;
  browsePath?: string | undefined;
  samplingIntervalMs: number;
}

/** A client connection to one server: one OPC UA device. */
export interface MountSpec {
  device: string;
  endpoint: string;
  security: SecuritySpec;
  user?: { name: string; password: string } | undefined;
  publishingIntervalMs: number;
  items: ItemSpec[];
  /** Delay between connection attempts grows to this. */
  reconnectMaxMs: number;
}

/** A gateway variable of the child's server address space: its path of browse names and its value. */
export interface ServerValue {
  path: string[];
  /** OPC UA built-in type of the variable, fixed when it is created. */
  type: 'Boolean' | 'UInt32' | 'String';
  value: boolean | number | string;
}

/** An argument of a server method. */
export interface MethodArg {
  name: string;
  type: 'String' | 'UInt32';
  description: string;
}

/** A method of the gateway's server (Arm, Disarm, UnlockDoor, Broadcast). */
export interface MethodSpec {
  name: string;
  description: string;
  args: MethodArg[];
}

/** The gateway's own server, as the child builds it. */
export interface ServerSpec {
  host: string;
  port: number;
  /** The variables under Objects/Village, created at start and updated by `server-set`. */
  values: ServerValue[];
  methods: MethodSpec[];
  security: SecuritySpec[];
  maxSessions: number;
  /** Accept a client certificate not yet in the trust list (else it lands in `{pki}/server/rejected`). */
  acceptUnknownClients: boolean;
}

/** Daemon → child. */
export type ToChild =
  | { t: 'mount'; spec: MountSpec }
  | { t: 'unmount'; device: string }
  | { t: 'ack'; device: string; seq: number }
  | { t: 'write'; device: string; req: number; item: string; value: unknown }
  | { t: 'server-start'; spec: ServerSpec }
  | { t: 'server-set'; values: ServerValue[] }
  | { t: 'server-stop' }
  | { t: 'stop' }
  | { t: 'login-result'; req: number; ok: boolean }
  | { t: 'call-result'; req: number; ok: boolean; code: string; message: string };

/** A value change of one item: `status` is the OPC UA StatusCode name (`Good`, `BadNotConnected`, ...). */
export interface ValueReport {
  t: 'value';
  device: string;
  seq: number;
  item: string;
  value: boolean | number | string | null;
  status: string;
  sourceTs: string | null;
}

/** Child → daemon. */
export type FromChild =
  | { t: 'ready' }
  | ValueReport
  | { t: 'online'; device: string }
  | { t: 'offline'; device: string; reason: 'connect-failed' | 'connection-lost' | 'item-failed'; message: string }
  | { t: 'write-result'; device: string; req: number; ok: boolean; message: string }
  | { t: 'server-started'; port: number; endpoints: string[] }
  | { t: 'server-failed'; message: string }
  | { t: 'login'; req: number; user: string; password: string }
  | { t: 'call'; req: number; user: string; method: string; args: Record<string, string | number> }
  | { t: 'log'; level: 'info' | 'warn' | 'error' | 'debug'; obj: Record<string, unknown>; msg: string };
