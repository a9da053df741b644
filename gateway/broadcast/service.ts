/**
 * The village loudspeaker service: the persisted queue, its player and outcome reporting, built from
 * the config and the gateway's loudspeakers, with one lifecycle (style rule 2). Its commands are
 * registered separately (commands.ts).
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Db } from '../../cloud-bridge/db.js';
import type { Speaker } from '../../device-drivers/loudspeaker/speaker.js';
import type { SpeechEngine } from '../../device-drivers/loudspeaker/speech.js';
import { isoLocal, type Clock } from '../kernel/clock.js';
import type { Command } from '../commands/router.js';
import type { Config } from '../config/schema.js';
import { ClipMaker, pruneUnused } from './clips.js';
import { Downloader } from './download.js';
import { Outcomes, type OutcomeDeps } from './outcomes.js';
import type { BroadcastParams } from './params.js';
import { Player } from './player.js';
import { BroadcastQueue } from './queue.js';
import { SoundLibrary } from './sounds.js';
import { BroadcastStore, type Content, type Notice } from './store.js';

/** Cached speech and downloads unused this long are deleted at start. */
const CACHE_KEEP_MS = 30 * 24 * 3600 * 1000;
/** Ended notices are kept this long after their expiry, for people looking into the database. */
const ENDED_KEEP_MS = 24 * 3600 * 1000;

export interface BroadcastDeps {
  config: Config;
  db: Db;
  clock: Clock;
  log: Logger;
  speech: SpeechEngine | undefined;
  /** The gateway's loudspeakers by device id. */
  speakers: ReadonlyMap<string, Speaker>;
  emit: OutcomeDeps['emit'];
  settle: OutcomeDeps['settle'];
}

export class BroadcastService {
  readonly store: BroadcastStore;
  readonly sounds: SoundLibrary;
  readonly downloads: Downloader;
  private readonly outcomes: Outcomes;
  private readonly queue: BroadcastQueue;
  private readonly speechDir: string;

  constructor(private readonly deps: BroadcastDeps) {
    const { config, db, log } = deps;
    const dataDir = config.gateway.dataDir;
    this.store = new BroadcastStore(db);
    this.sounds = new SoundLibrary(config.broadcast.soundsDir ?? join(dataDir, 'sounds'));
    this.downloads = new Downloader(join(dataDir, 'broadcast', 'downloads'), { timeoutMs: config.broadcast.downloadTimeoutSec * 1000, maxBytes: config.broadcast.downloadMaxBytes, allowLocal: config.broadcast.allowLocalUrls, localHosts: config.broadcast.localUrlHosts }, log);
    this.speechDir = join(dataDir, 'broadcast', 'speech');
    this.outcomes = new Outcomes({ store: this.store, emit: deps.emit, settle: deps.settle, log });
    const clips = new ClipMaker({ speech: deps.speech, sounds: this.sounds, downloads: this.downloads, speechDir: this.speechDir });
    const player = new Player({ clips, speakers: deps.speakers, chime: config.broadcast.chime, outcomes: this.outcomes, log });
    this.queue = new BroadcastQueue({ store: this.store, player, outcomes: this.outcomes, clock: deps.clock, log });
  }

  /** Notices waiting or playing (shown by the OPC UA server, issue 15). */
  get queueLength(): number {
    return this.store.queued().length;
  }

  get speakerIds(): string[] {
    return [...this.deps.speakers.keys()];
  }

  async start(): Promise<void> {
    const now = this.deps.clock.now();
    this.sounds.installBuiltIns();
    const pruned = pruneUnused(this.speechDir, Date.now() - CACHE_KEEP_MS) + pruneUnused(this.downloads.dir, Date.now() - CACHE_KEEP_MS) + this.store.prune(now - ENDED_KEEP_MS);
    const reported = await this.outcomes.reportPending();
    const queued = this.store.queued();
    for (const n of queued) this.queue.prefetch(n);
    this.queue.start();
    this.deps.log.info({ queued: queued.length, reported, pruned, speakers: this.speakerIds }, 'broadcast queue started');
  }

  async stop(): Promise<void> {
    await this.queue.stop();
  }

  /** Queues a `broadcast` command's notice; its outcome comes later. */
  async enqueue(command: Command, p: BroadcastParams): Promise<'accepted'> {
    const now = this.deps.clock.now();
    const due = p.at ? Date.parse(p.at) : now;
    if (due >= command.expiresAt) throw new Error(`at ${p.at} is not before the command's expiresAt ${isoLocal(command.expiresAt)}: the notice could never play`);
    const content: Content = p.text !== undefined ? { text: p.text } : p.sound !== undefined ? { sound: p.sound } : { url: p.url as string, sha256: p.sha256 as string, maxBytes: p.maxBytes };
    const notice: Notice = { id: command.id, priority: p.priority, content, volume: p.volume ?? null, speakers: p.speakers ?? null, plays: p.repeat, played: 0, intervalMs: p.interval * 1000, due, expires: command.expiresAt, received: now, by: command.by };
    // The router already refuses a replayed id; the store's key makes "never queued twice" hold on its own.
    if (!this.store.insert(notice)) throw new Error(`broadcast ${command.id} is already queued`);
    await this.outcomes.event('queued', notice, { ...content, plays: notice.plays, interval: p.interval, at: isoLocal(due), expiresAt: isoLocal(notice.expires), speakers: notice.speakers ?? this.speakerIds, by: notice.by });
    this.queue.prefetch(notice);
    this.queue.kick();
    return 'accepted';
  }

  cancel(id: string, by: string): Promise<void> {
    return this.queue.cancel(id, by);
  }
}
