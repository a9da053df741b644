/**
 * The operator's hold on the console's lower list while it runs (issue 16): which view it shows
 * (events, devices with a standing problem, command replies, queued notices), paging through it, a
 * text filter typed after `/`, and a lowest severity cycled by `s`. Its keys leave the alarm desk's
 * (`a`, `c`, `j`, `k`, arrows) and `q` alone.
 */
import type { DeviceProblem } from './device-table.js';
import type { EventRow } from './model.js';
import type { NoticeRow } from './notice-board.js';
import type { ReplyRow } from './reply-list.js';
import { SEVERITY_RANK, type Severity } from './uplink-message.js';

/** The views `v` steps through, in order. */
export const VIEWS = ['events', 'devices', 'replies', 'notices'] as const;
/** One of VIEWS. */
export type ViewName = (typeof VIEWS)[number];

/** The lowest severities `s` steps through; null shows all. */
const SEVERITY_STEPS: readonly (Severity | null)[] = [null, 'critical', 'major', 'minor'];

/** The escape sequences of the paging keys (xterm, tmux). */
export const KEYS = { pageUp: '\x1b[5~', pageDown: '\x1b[6~', home: '\x1b[H', homeAlt: '\x1b[1~' } as const;

/** What the renderer needs of the list: the page of the current view, and the controls to show. */
export interface ListView {
  view: ViewName;
  /** Rows skipped before the page. */
  offset: number;
  /** Rows of the view after the filters. */
  total: number;
  text: string;
  /** The filter text being typed after `/`, or null. */
  typing: string | null;
  minSeverity: Severity | null;
  /** Devices with a standing problem in all, whatever the view: the heading always says how many. */
  deviceProblems: number;
  devices: DeviceProblem[];
  replies: ReplyRow[];
  notices: NoticeRow[];
}

/** Everything the views are made from. */
export interface ListSources {
  events: readonly EventRow[];
  devices: readonly DeviceProblem[];
  replies: readonly ReplyRow[];
  notices: readonly NoticeRow[];
}

const has = (text: string, ...fields: unknown[]): boolean => {
  const t = text.toLowerCase();
  return fields.some((f) => (typeof f === 'string' ? f : JSON.stringify(f)).toLowerCase().includes(t));
};

/** The list's state as the operator's keys left it. */
export class ListControls {
  view: ViewName = 'events';
  offset = 0;
  text = '';
  typing: string | null = null;
  minSeverity: Severity | null = null;
  /** Rows one PgUp/PgDn moves: set from the screen's height before each frame. */
  pageRows = 10;

  /** Handles a key; false when it is not the list's. While a filter is typed every key is taken. */
  key(key: string): boolean {
    if (this.typing !== null) {
      if (key === '\r' || key === '\n') [this.text, this.typing, this.offset] = [this.typing.trim(), null, 0];
      else if (key === '\x1b') this.typing = null;
      else if (key === '\x7f' || key === '\b') this.typing = [...this.typing].slice(0, -1).join('');
      else if (!/[\x00-\x1f]/.test(key)) this.typing += key;
      return true;
    }
    switch (key) {
      case KEYS.pageDown:
        this.offset += this.pageRows;
        return true;
      case KEYS.pageUp:
        this.offset = Math.max(0, this.offset - this.pageRows);
        return true;
      case KEYS.home:
      case KEYS.homeAlt:
        this.offset = 0;
        return true;
      case '/':
        this.typing = this.text;
        return true;
      case 's':
        this.minSeverity = SEVERITY_STEPS[(SEVERITY_STEPS.indexOf(this.minSeverity) + 1) % SEVERITY_STEPS.length] ?? null;
        this.offset = 0;
        return true;
      case 'v':
        this.view = VIEWS[(VIEWS.indexOf(this.view) + 1) % VIEWS.length] as ViewName;
        this.offset = 0;
        return true;
      default:
        return false;
    }
  }

  /** The current view's rows after the filters, the page from `offset` on (at most `rows`), and the state to show. */
  apply(src: ListSources, rows: number): { events: EventRow[]; list: ListView } {
    const t = this.text;
    const events = src.events.filter((r) => (!this.minSeverity || SEVERITY_RANK[r.event.severity] <= SEVERITY_RANK[this.minSeverity]) && (!t || has(t, r.event.gateway, r.event.device, r.event.type, r.event.data)));
    const devices = src.devices.filter((d) => !t || has(t, d.gateway, d.device, d.problem, d.detail));
    const replies = src.replies.filter((r) => !t || has(t, r.gateway, r.id, r.status, r.code ?? '', r.message));
    const notices = src.notices.filter((n) => !t || has(t, n.gateway, n.id, n.content));
    const total = { events: events.length, devices: devices.length, replies: replies.length, notices: notices.length }[this.view];
    // Paging past the end shows the last page, and the next PgUp starts from there.
    this.offset = Math.min(this.offset, Math.max(0, total - rows));
    const page = <T>(list: T[], view: ViewName): T[] => (view === this.view ? list.slice(this.offset, this.offset + rows) : []);
    return {
      events: page(events, 'events'),
      list: { view: this.view, offset: this.offset, total, text: this.text, typing: this.typing, minSeverity: this.minSeverity, deviceProblems: src.devices.length, devices: page(devices, 'devices'), replies: page(replies, 'replies'), notices: page(notices, 'notices') },
    };
  }
}
