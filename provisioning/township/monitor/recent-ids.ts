/**
 * The event ids seen lately, for de-duplication (contract: delivery is at-least-once, subscribers
 * de-duplicate on `id`). Bounded so a console can run for months: the oldest ids are forgotten first,
 * and a redelivery older than `capacity` newer events is rare enough (a gateway replays only what it
 * had not seen acknowledged) to be shown twice rather than to grow without end.
 */
export class RecentIds {
  private readonly ids = new Set<string>();

  constructor(private readonly capacity: number) {}

  /** Adds the id; false when it was already there. */
  add(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    // A Set iterates in insertion order: the first value is the oldest.
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.values().next().value as string);
    return true;
  }

  get size(): number {
    return this.ids.size;
  }
}
