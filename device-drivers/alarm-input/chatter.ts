/**
 * Chatter: a contact that keeps changing (a loose wire, a failing detector) would flood the township
 * with alarms. `transitions` changes within `windowSec` make the input faulty until it has been quiet for
 * `windowSec`; the driver reports one `device.fault` per episode instead of every change.
 */
import { secMs } from '../../gateway/kernel/timers.js';

export class Chatter {
  private readonly times: bigint[] = [];
  private quietTimer: NodeJS.Timeout | null = null;
  faulted = false;

  constructor(
    private readonly transitions: number,
    private readonly windowSec: number,
    private readonly onQuiet: () => void,
  ) {}

  /** Records a change at `monoNs`; true only for the change that starts an episode. */
  record(monoNs: bigint): boolean {
    const windowNs = BigInt(Math.round(this.windowSec * 1e9));
    this.times.push(monoNs);
    while (this.times.length > 0 && monoNs - (this.times[0] as bigint) > windowNs) this.times.shift();
    if (this.faulted) {
      this.armQuietTimer();
      return false;
    }
    if (this.times.length < this.transitions) return false;
    this.faulted = true;
    this.armQuietTimer();
    return true;
  }

  stop(): void {
    if (this.quietTimer) clearTimeout(this.quietTimer);
    this.quietTimer = null;
  }

  private armQuietTimer(): void {
    this.stop();
    this.quietTimer = setTimeout(() => {
      this.quietTimer = null;
      this.faulted = false;
      this.times.length = 0;
      this.onQuiet();
    }, secMs(this.windowSec));
  }
}
