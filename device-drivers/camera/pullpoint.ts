/**
 * The ONVIF PullPoint loop of one camera: create a subscription, pull, renew it while a third of its
 * lifetime is still left (and never later than one pull before it ends), and rebuild it after
 * `rebuildAfterFailures` failed pulls or renewals in a row or once it has expired — a camera that
 * restarted has forgotten it (field-notes.md, Devices: ONVIF).
 */
import type { Logger } from 'pino';
import type { CameraHttpError } from './camera-http.js';
import type { OnvifClient, OnvifNotification, Subscription } from './onvif.js';
import { pause } from './pause.js';

/** The `onvif` config fields the loop reads. */
export interface PullPointConfig {
  pullTimeoutSec: number;
  messageLimit: number;
  subscriptionSec: number;
  rebuildAfterFailures: number;
}

/** What the loop did, for the camera's state and tests. */
export interface PullPointStats {
  subscriptions: number;
  renewals: number;
  rebuilds: number;
  pulls: number;
  failures: number;
  lastError: string | null;
}

const backoff = (failures: number) => Math.min(250 * 2 ** failures, 10_000);

export class PullPoint {
  readonly stats: PullPointStats = { subscriptions: 0, renewals: 0, rebuilds: 0, pulls: 0, failures: 0, lastError: null };

  constructor(
    private readonly client: OnvifClient,
    private readonly cfg: PullPointConfig,
    private readonly requestTimeoutMs: number,
    private readonly now: () => number,
    private readonly log: Logger,
    private readonly onNotification: (n: OnvifNotification) => void,
  ) {}

  /** Runs until `signal` aborts; then unsubscribes (best effort). */
  async run(signal: AbortSignal): Promise<void> {
    let sub: Subscription | null = null;
    let failures = 0;
    const renewMargin = Math.max((this.cfg.subscriptionSec * 1000) / 3, this.cfg.pullTimeoutSec * 1000 + this.requestTimeoutMs);
    while (!signal.aborted) {
      if (!sub) {
        try {
          sub = await this.client.subscribe(this.cfg.subscriptionSec, signal);
          this.stats.subscriptions++;
          this.log.info({ address: sub.address }, 'onvif pullpoint subscribed');
        } catch (err) {
          if (signal.aborted) break;
          this.failed(err, 'onvif subscription failed; retrying');
          await pause(backoff(failures++), signal);
          continue;
        }
      }
      try {
        if (sub.expiresAt - this.now() < renewMargin) {
          await this.client.renew(sub, this.cfg.subscriptionSec, signal);
          this.stats.renewals++;
        }
        const messages = await this.client.pull(sub, this.cfg.pullTimeoutSec, this.cfg.messageLimit, signal);
        this.stats.pulls++;
        failures = 0;
        for (const m of messages) this.onNotification(m);
      } catch (err) {
        if (signal.aborted) break;
        failures++;
        this.failed(err, 'onvif pull or renewal failed');
        if (failures >= this.cfg.rebuildAfterFailures || this.now() >= sub.expiresAt) {
          const old = sub;
          sub = null;
          failures = 0;
          this.stats.rebuilds++;
          this.log.warn({ address: old.address }, 'onvif pullpoint subscription rebuilt');
          await this.client.unsubscribe(old).catch(() => {});
        }
        await pause(backoff(failures), signal);
      }
    }
    if (sub) await this.client.unsubscribe(sub).catch(() => {});
  }

  private failed(err: unknown, msg: string): void {
    this.stats.failures++;
    const e = err as CameraHttpError;
    this.stats.lastError = e.reason ?? e.message;
    this.log.warn({ reason: e.reason, detail: e.message }, msg);
  }
}
