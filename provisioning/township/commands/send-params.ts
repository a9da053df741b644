/**
 * The parameters of each operator command, from `vgw send` flags (contract, "Commands"). Checked here
 * for what a person gets wrong at the keyboard; the gateway validates them again and answers
 * `rejected invalid` for anything it does not accept.
 */
import { InvalidArgumentError } from 'commander';
import { isoLocal } from '../../../gateway/kernel/clock.js';
import { numberIn } from '../../commands/cli-numbers.js';

/** A commander parser for a whole number in [min, max] (the one CLI number parser, cli-numbers.ts). */
export const intIn = (min: number, max: number): ((value: string) => number) => numberIn({ min, max, whole: true });

/** A commander parser for a command id (a lowercase UUID, as `vgw send` prints it). */
export function uuid(value: string): string {
  const id = value.trim().toLowerCase();
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)) throw new InvalidArgumentError('use the command id `vgw send broadcast` printed, e.g. 019a4f5e-7c2b-7d30-9f1e-2b8c4d6e8a10');
  return id;
}

/** A commander parser for a comma-separated list of ids. */
export function ids(value: string): string[] {
  const list = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (list.length === 0) throw new InvalidArgumentError('one id or more, comma-separated');
  return list;
}

/** A commander parser for a time: an ISO date-time (local time unless it names an offset). */
export function time(value: string): string {
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new InvalidArgumentError('a time like 2026-11-24T07:30 (local) or 2026-11-24T07:30+08:00');
  return isoLocal(t);
}

export interface BroadcastFlags {
  text?: string;
  sound?: string;
  url?: string;
  sha256?: string;
  maxBytes?: number;
  priority: string;
  at?: string;
  repeat?: number;
  interval?: number;
  volume?: number;
  speakers?: string[];
}

/** `broadcast`: text for speech, a stored sound, or an audio URL with its sha256 (exactly one). */
export function broadcastParams(f: BroadcastFlags): Record<string, unknown> {
  const given = [f.text, f.sound, f.url].filter((v) => v !== undefined).length;
  if (given !== 1) throw new Error('give exactly one of --text, --sound or --url (请只选择一种广播内容)');
  if (f.url !== undefined && !/^[0-9a-f]{64}$/.test(f.sha256 ?? '')) throw new Error('--url needs --sha256 with the 64 hex digits of the audio file, so gateways can check what they download');
  if (f.url === undefined && (f.sha256 !== undefined || f.maxBytes !== undefined)) throw new Error('--sha256 and --max-bytes belong to --url');
  if (f.interval !== undefined && (f.repeat ?? 1) < 2) throw new Error('--interval only makes sense with --repeat 2 or more');
  const optional = { at: f.at, repeat: f.repeat, interval: f.interval, volume: f.volume, speakers: f.speakers };
  return {
    ...(f.text !== undefined ? { text: f.text } : f.sound !== undefined ? { sound: f.sound } : { url: f.url, sha256: f.sha256, ...(f.maxBytes !== undefined ? { maxBytes: f.maxBytes } : {}) }),
    priority: f.priority,
    ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
  };
}
