/**
 * The console on a real terminal: the alternate screen (the shell's scrollback is left as it was), a
 * redraw every `intervalMs` and on resize, `q` or Ctrl-C to quit. Drawing is the renderer's lines,
 * each cleared to its end, so a shorter line leaves no remains of the previous frame.
 */
import type { ScreenSize } from './render.js';

const CSI = '\x1b[';

export class TerminalScreen {
  private timer: NodeJS.Timeout | null = null;
  private readonly onKey = (data: Buffer): void => {
    const key = data.toString('utf8');
    if (key === 'q' || key === 'Q' || key === '\x03') this.onQuit();
  };
  private readonly onResize = (): void => this.draw();

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly input: NodeJS.ReadStream,
    private readonly frame: (size: ScreenSize) => string[],
    private readonly onQuit: () => void,
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
    this.out.write(`${CSI}H${this.frame(size).join(`${CSI}K\r\n`)}${CSI}K${CSI}J`);
  }
}
