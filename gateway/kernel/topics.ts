/**
 * The township topic tree of contract.md, v1. The only module that builds or parses township topics
 * (style rule 6); change it only together with docs/asyncapi.yaml and the schemas.
 */
import type { Category } from './categories.js';

export const CONTRACT_ROOT = 'pingan/v1';

export interface TopicIdentity {
  township: string;
  gateway: string;
}

export function townshipTopics({ township, gateway }: TopicIdentity) {
  const base = `${CONTRACT_ROOT}/${township}/${gateway}`;
  return {
    status: `${base}/status`,
    metrics: `${base}/metrics`,
    event: (category: Category) => `${base}/events/${category}`,
    deviceState: (device: string) => `${base}/devices/${device}/state`,
    reply: (commandId: string) => `${base}/replies/${commandId}`,
    snapshot: (eventId: string) => `${base}/snapshots/${eventId}`,
    /** Subscriptions for commands to this gateway and to every gateway of the township. */
    commandFilters: [`${base}/cmd/#`, `${CONTRACT_ROOT}/${township}/all/cmd/#`],
    /** The topic a command is published on, for operators' tools. */
    command: (target: string, name: string) => `${CONTRACT_ROOT}/${township}/${target}/cmd/${name}`,
  };
}

export type TownshipTopics = ReturnType<typeof townshipTopics>;

/** Where a command arrived: township, target (`{gateway}` or `all`) and name from the topic. */
export function parseCommandTopic(topic: string): { township: string; target: string; name: string } | null {
  const parts = topic.split('/');
  if (parts.length < 6 || `${parts[0]}/${parts[1]}` !== CONTRACT_ROOT || parts[4] !== 'cmd') return null;
  return { township: parts[2] as string, target: parts[3] as string, name: parts.slice(5).join('/') };
}

export type UplinkTopic =
  | { kind: 'status' | 'metrics'; township: string; gateway: string }
  | { kind: 'event'; township: string; gateway: string; category: string }
  | { kind: 'device-state'; township: string; gateway: string; device: string }
  | { kind: 'reply'; township: string; gateway: string; commandId: string }
  | { kind: 'snapshot'; township: string; gateway: string; eventId: string };

/** What a gateway published, from the topic alone (for the township's tools); null for anything else. */
export function parseUplinkTopic(topic: string): UplinkTopic | null {
  const [root, version, township, gateway, kind, key, last, ...rest] = topic.split('/');
  if (`${root}/${version}` !== CONTRACT_ROOT || !township || !gateway || gateway === 'all' || rest.length > 0) return null;
  const id = { township, gateway };
  if (key === undefined) return kind === 'status' || kind === 'metrics' ? { kind, ...id } : null;
  if (kind === 'devices') return last === 'state' && key ? { kind: 'device-state', ...id, device: key } : null;
  if (last !== undefined || !key) return null;
  if (kind === 'events') return { kind: 'event', ...id, category: key };
  if (kind === 'replies') return { kind: 'reply', ...id, commandId: key };
  if (kind === 'snapshots') return { kind: 'snapshot', ...id, eventId: key };
  return null;
}

export interface MonitorScope {
  township?: string | undefined;
  gateways?: readonly string[] | undefined;
  /** MQTT 5 shared-subscription group: members of a group split the events between them. */
  share?: string | undefined;
}

/**
 * Subscriptions of a monitoring console or archiver: every category, so seq gaps stay meaningful.
 * Events may be shared (`$share/{group}/…`), but presence and metrics never are: a broker sends no
 * retained messages to a new shared subscription (MQTT 5 §4.8.2), and every console needs every
 * gateway's status for its table.
 */
export function monitorFilters({ township, gateways, share }: MonitorScope): { presence: string[]; events: string[] } {
  const bases = (gateways?.length ? gateways : ['+']).map((g) => `${CONTRACT_ROOT}/${township ?? '+'}/${g}`);
  const shared = share ? `$share/${share}/` : '';
  return {
    presence: bases.flatMap((b) => [`${b}/status`, `${b}/metrics`]),
    // Command replies travel with the events: an archiver of a shared group keeps each once (issue 16).
    events: bases.flatMap((b) => [`${shared}${b}/events/+`, `${shared}${b}/replies/+`]),
  };
}

/** The console's subscription to the retained device states (`devices/+/state`), in the same scope. */
export function deviceStateFilters({ township, gateways }: MonitorScope): string[] {
  return (gateways?.length ? gateways : ['+']).map((g) => `${CONTRACT_ROOT}/${township ?? '+'}/${g}/devices/+/state`);
}

/** Local broker (village LAN): every device lives under `dev/{device}/`. */
export const LOCAL_KINDS = ['event', 'state', 'status', 'cmd'] as const;
export type LocalKind = (typeof LOCAL_KINDS)[number];

export function parseLocalTopic(topic: string): { device: string; kind: string } | null {
  const parts = topic.split('/');
  if (parts.length !== 3 || parts[0] !== 'dev') return null;
  return { device: parts[1] as string, kind: parts[2] as string };
}

export const localTopic = (device: string, kind: LocalKind): string => `dev/${device}/${kind}`;
