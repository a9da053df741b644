/**
 * The console on a real terminal: the alternate screen (the shell's scrollback is left as it was), a
 * redraw every `intervalMs` and on resize, `q` or Ctrl-C to quit. Drawing is the renderer's lines,
 * each cleared to its end, so a shorter line leaves no remains of the previous frame.
 */
import type { ScreenSize } from './render.js';

const CSI = '\x1b[';

export class TerminalScreen {
  private timer: NodeJS.Timeout | null = null;
  private lastBell = 0;
  private readonly onKey = (data: Buffer): void => {
    // One read may hold several keys (typed fast, pasted): each is handled in turn.
    for (const key of splitKeys(data.toString('utf8'))) {
      if (key === '\x03') return this.onQuit();
      // The desk takes its keys first (while a note is typed, `q` is a letter of it).
      if (this.keys?.(key)) continue;
      if (key === 'q' || key === 'Q') return this.onQuit();
    }
    this.draw();
  };
  private readonly onResize = (): void => this.draw();

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly input: NodeJS.ReadStream,
    private readonly frame: (size: ScreenSize) => string[],
    private readonly onQuit: () => void,
    /** Keys for the alarm desk: true when taken. */
    private readonly keys?: (key: string) => boolean,
    /** Rings the terminal's bell (every 2 s) while this says so: a critical alarm nobody acknowledged. */
    private readonly ringing?: () => boolean,
  ) {}

  start(intervalMs = 500): void {
    this.out.write(`${CSI}?1049h${CSI}?25l`);
    if (this.input.isTTY) this.input.setRawMode(true);
    this.input.on('data', this.onKey);
    this.input.resume();
    this.out.on('resize', this.onResize);
    this.draw();
    this.timer = setInterval(() => this.draw(), intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.out.off('resize', this.onResize);
    this.input.off('data', this.onKey);
    if (this.input.isTTY) this.input.setRawMode(false);
    this.input.pause();
    this.out.write(`${CSI}?25h${CSI}?1049l`);
  }

  private draw(): void {
    const size = { width: this.out.columns || 120, height: this.out.rows || 40, colour: this.out.hasColors?.() ?? false };
    const now = Date.now();
    const bell = this.ringing?.() && now - this.lastBell >= 2000 ? '\x07' : '';
    if (bell) this.lastBell = now;
    this.out.write(`${bell}${CSI}H${this.frame(size).join(`${CSI}K\r\n`)}${CSI}K${CSI}J`);
  }
}

/**
 * The keys in what the terminal sent: a control sequence (`ESC [ A` for an arrow, `ESC [ 5 ~` for PgUp:
 * ESC, `[`, parameter bytes 0x30–0x3F, a final byte 0x40–0x7E, ECMA-48 §5.4) as one, else each character.
 */
export function splitKeys(text: string): string[] {
  const keys: string[] = [];
  const chars = [...text];
  for (let i = 0; i < chars.length; i++) {
    if (chars[i] === '\x1b' && chars[i + 1] === '[' && i + 2 < chars.length) {
      let end = i + 2;
      while (end < chars.length - 1 && /[\x30-\x3f]/.test(chars[end] as string)) end++;
      keys.push(chars.slice(i, end + 1).join(''));
      i = end;
    } else keys.push(chars[i] as string);
  }
  return keys;
}
