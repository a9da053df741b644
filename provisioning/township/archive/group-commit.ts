/**
 * Group commit for an archiver with several broker connections (issue 16): each connection hands over
 * one message at a time and acknowledges it only after its commit (mqtt.js sends the PUBACK when
 * `handleMessage` calls back), so batching happens across connections — whatever arrives while a commit
 * is in flight goes into the next one. One connection degrades to one commit per event, never to a
 * PUBACK before the commit.
 */
interface Waiting<T> {
  item: T;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class GroupCommit<T> {
  private waiting: Waiting<T>[] = [];
  private busy = false;
  /** Commits done, and the largest batch, for the archiver's stats. */
  commits = 0;
  largest = 0;

  constructor(
    private readonly commit: (items: T[]) => Promise<void>,
    private readonly maxBatch = 1000,
  ) {}

  /** Resolves once `item` is committed; rejects if its batch failed. */
  add(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.next();
    });
  }

  private next(): void {
    if (this.busy || this.waiting.length === 0) return;
    this.busy = true;
    // A microtask later: items handed over in the same turn share the commit.
    queueMicrotask(() => void this.flush());
  }

  private async flush(): Promise<void> {
    const batch = this.waiting.splice(0, this.maxBatch);
    try {
      await this.commit(batch.map((w) => w.item));
      this.commits++;
      this.largest = Math.max(this.largest, batch.length);
      for (const w of batch) w.resolve();
    } catch (err) {
      for (const w of batch) w.reject(err);
    } finally {
      this.busy = false;
      this.next();
    }
  }
}
