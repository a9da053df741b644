/**
 * What a demo run holds (brokers, gateways, MQTT clients, its temp directory) and the one way it ends:
 * at the end of `--duration`, on Ctrl-C (SIGINT) or on SIGTERM, everything is stopped in reverse order
 * and the temp directory removed (issue 8, finding 26: every demo used to leave one behind).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Longest one release may take: a part that hangs must not keep the demo from ending. */
const RELEASE_LIMIT_MS = 5_000;

/** `release()`, given at most RELEASE_LIMIT_MS; a failure is ignored (the demo is ending anyway). */
function bounded(release: () => Promise<unknown>): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise((resolve) => (timer = setTimeout(resolve, RELEASE_LIMIT_MS)));
  return Promise.race([release().catch(() => {}), limit]).finally(() => clearTimeout(timer));
}

export class DemoLifetime {
  /** The demo's scratch directory: keys, databases, logs. */
  readonly dir = mkdtempSync(join(tmpdir(), 'vgw-demo-'));
  private readonly held: (() => Promise<unknown>)[] = [];
  private ending: Promise<void> | null = null;

  /** True once the demo is ending: scenes stop starting new things. */
  get ended(): boolean {
    return this.ending !== null;
  }

  /** Registers how to release something; released at once when the demo is already ending. */
  hold(release: () => Promise<unknown>): void {
    if (this.ending) void bounded(release);
    else this.held.push(release);
  }

  /** Releases everything, newest first, then removes the directory; safe to call more than once. */
  end(): Promise<void> {
    this.ending ??= (async () => {
      while (this.held.length > 0) await bounded(this.held.pop() as () => Promise<unknown>);
      rmSync(this.dir, { recursive: true, force: true });
    })();
    return this.ending;
  }

  /**
   * SIGINT and SIGTERM end the demo cleanly and exit 0; `note` is printed first. Kept listening: under
   * `npm start` Ctrl-C arrives twice (from the terminal and forwarded by npm), and a second SIGINT
   * without a listener would kill the process before it has cleaned up.
   */
  onSignals(note: (signal: string) => void): void {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.on(signal, () => {
        if (this.ending) return;
        note(signal);
        void this.end().then(() => process.exit(0));
      });
    }
  }
}
