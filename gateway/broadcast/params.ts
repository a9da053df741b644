/**
 * Parameters of the `broadcast` and `broadcast.cancel` commands (contract, "Commands"). Everything that
 * can be known on arrival is checked here, so a bad notice is `rejected` (`invalid`) at once with the
 * reason, instead of failing when its time comes.
 */
import { z } from 'zod';

const SOUND = /^[a-z0-9-]{1,64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface ParamsContext {
  /** Loudspeaker device ids of this gateway. */
  speakers: readonly string[];
  /** Named sounds on this box. */
  sounds: () => string[];
  /** broadcast.downloadMaxBytes. */
  maxBytes: number;
}

export function broadcastParams({ speakers, sounds, maxBytes }: ParamsContext) {
  return z
    .object({
      /** Spoken by text-to-speech (Mandarin). */
      text: z.string().trim().min(1).max(1000).optional(),
      /** A sound stored on the box (`alarm`, `chime`, ...). */
      sound: z.string().regex(SOUND, 'a sound name like "alarm"').optional(),
      /** HTTP(S) audio, WAV or MP3; needs `sha256`. */
      url: z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' }).optional(),
      /** SHA-256 of the file at `url`, 64 lowercase hex digits. */
      sha256: z.string().regex(/^[0-9a-f]{64}$/, '64 lowercase hex digits').optional(),
      /** Refuse a download larger than this (at most broadcast.downloadMaxBytes). */
      maxBytes: z.number().int().min(1).max(maxBytes).optional(),
      /** `emergency` interrupts a `normal` notice at once. */
      priority: z.enum(['emergency', 'normal']).default('normal'),
      /** Start time; default now. */
      at: z.iso.datetime({ offset: true }).optional(),
      /** How many times it is to be heard. */
      repeat: z.number().int().min(1).max(100).default(1),
      /** Seconds from the end of one play to the start of the next. */
      interval: z.number().min(0).max(86_400).default(0),
      /** Percent; default each loudspeaker's configured volume. */
      volume: z.number().int().min(0).max(100).optional(),
      /** Loudspeaker device ids; default all of them. */
      speakers: z.array(z.string()).min(1).optional(),
    })
    .strict()
    .superRefine((p, ctx) => {
      const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
      if (speakers.length === 0) return issue([], 'this gateway has no loudspeaker (no device with driver loudspeaker or ip-speaker)');
      const given = [p.text, p.sound, p.url].filter((v) => v !== undefined).length;
      if (given !== 1) issue([], 'give exactly one of text, sound or url');
      if (p.url !== undefined && p.sha256 === undefined) issue(['sha256'], 'required with url: the SHA-256 of the audio file');
      if (p.url === undefined && (p.sha256 !== undefined || p.maxBytes !== undefined)) issue(['url'], 'sha256 and maxBytes belong to a url');
      if (p.sound !== undefined && !sounds().includes(p.sound)) issue(['sound'], `no sound "${p.sound}" on this gateway; it has: ${sounds().join(', ') || 'none'}`);
      p.speakers?.forEach((s, i) => {
        if (!speakers.includes(s)) issue(['speakers', i], `no loudspeaker "${s}" on this gateway; it has: ${speakers.join(', ')}`);
      });
    });
}

export type BroadcastParams = z.infer<ReturnType<typeof broadcastParams>>;

export const cancelParams = z
  .object({
    /** The id of the `broadcast` command to stop. */
    broadcastId: z.string().regex(UUID, 'the id of a broadcast command (a lowercase UUID)'),
  })
  .strict();
