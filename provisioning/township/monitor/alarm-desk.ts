/**
 * The duty officer's alarm handling in `vgw monitor` (issue 16, 接警 / 处警 / 结案): the open cases of
 * the archive (archive/cases-sql.ts), re-read every second so every console of the center shows the same;
 * keys to move the selection, acknowledge (`a`) and close with what was done (`c`, then a line of text).
 * A console without `--operator` shows the cases but cannot act.
 */
import type { Logger } from 'pino';
import type { AlarmCase, ArchiveStore } from '../archive/store.js';

/** Cases read at most (the screen shows fewer). */
const CASES_READ = 50;
const POLL_MS = 1000;

/** What the screen shows of the desk. */
export interface DeskView {
  cases: readonly AlarmCase[];
  selected: number;
  operator: string | null;
  /** The "what was done" line being typed, or null. */
  note: string | null;
  /** The last action's outcome, for the status line. */
  message: string;
}

export class AlarmDesk {
  private cases: AlarmCase[] = [];
  private selectedId: string | null = null;
  private note: string | null = null;
  private message = '';
  private timer: NodeJS.Timeout | null = null;

  constructor(
    /** The archive of the cases (the console also reads its recent history from it). */
    readonly store: ArchiveStore,
    private readonly operator: string | null,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), POLL_MS);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.store.close();
  }

  /** Re-reads the open cases; the selection follows its case. */
  async refresh(): Promise<void> {
    try {
      this.cases = await this.store.openCases(CASES_READ);
    } catch (err) {
      this.message = `cannot read the alarm cases: ${(err as Error).message}`;
      this.log.warn({ err: (err as Error).message }, 'alarm cases not read');
    }
  }

  /** Whether a critical case waits for someone to acknowledge it (the console rings). */
  get ringing(): boolean {
    return this.cases.some((c) => c.severity === 'critical' && c.state === 'open');
  }

  get view(): DeskView {
    return { cases: this.cases, selected: this.index(), operator: this.operator, note: this.note, message: this.message };
  }

  private index(): number {
    const i = this.cases.findIndex((c) => c.eventId === this.selectedId);
    return i >= 0 ? i : 0;
  }

  /** Handles a key; false when it is not the desk's (the screen handles it: `q` quits). */
  key(key: string): boolean {
    if (this.note !== null) {
      if (key === '\r' || key === '\n') void this.close(this.note);
      else if (key === '\x1b') [this.note, this.message] = [null, 'not closed'];
      else if (key === '\x7f' || key === '\b') this.note = [...this.note].slice(0, -1).join('');
      else if (!/[\x00-\x1f]/.test(key)) this.note += key;
      return true;
    }
    const move = (by: number) => {
      const c = this.cases[Math.max(0, Math.min(this.cases.length - 1, this.index() + by))];
      this.selectedId = c?.eventId ?? null;
    };
    switch (key) {
      case '\x1b[A':
      case 'k':
        move(-1);
        return true;
      case '\x1b[B':
      case 'j':
        move(1);
        return true;
      case 'a':
        void this.acknowledge();
        return true;
      case 'c':
        if (this.guard()) this.note = '';
        return true;
      default:
        return false;
    }
  }

  /** The selected case when this console may act on it; else says why. */
  private guard(): AlarmCase | null {
    if (!this.operator) {
      this.message = 'read only: start the console with --operator <name> to handle alarms';
      return null;
    }
    const c = this.cases[this.index()];
    if (!c) this.message = 'no open alarm';
    return c ?? null;
  }

  private async acknowledge(): Promise<void> {
    const c = this.guard();
    if (!c) return;
    const ok = await this.store.acknowledge(c.eventId, this.operator as string, this.now());
    this.message = ok ? `acknowledged 已接警: ${c.type} at ${c.gateway}` : `${c.type} at ${c.gateway} was acknowledged already`;
    this.log.info({ eventId: c.eventId, operator: this.operator, ok }, 'alarm acknowledged');
    await this.refresh();
  }

  private async close(note: string): Promise<void> {
    const c = this.guard();
    this.note = null;
    if (!c) return;
    if (!note.trim()) {
      this.message = 'not closed: say what was done (处警记录)';
      return;
    }
    const ok = await this.store.closeCase(c.eventId, this.operator as string, note.trim(), this.now());
    this.message = ok ? `closed 已结案: ${c.type} at ${c.gateway}` : `${c.type} at ${c.gateway} was closed already`;
    this.log.info({ eventId: c.eventId, operator: this.operator, ok }, 'alarm closed');
    await this.refresh();
  }
}
