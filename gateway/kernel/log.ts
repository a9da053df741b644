/**
 * The one root logger (style rule 12): pino JSON lines; components take `log.child({ component })`.
 * On a terminal (`vgw run` by hand) the lines are printed readably instead — time, level, component,
 * message, fields — by the small printer below (issue 8, finding 26); a service's stdout (journald, a
 * pipe, a file) keeps the JSON, which is what log collectors and tests read.
 */
import { pino, type DestinationStream, type Logger } from 'pino';

export function createLogger(level = process.env.VGW_LOG_LEVEL ?? 'info', destination?: DestinationStream): Logger {
  const out = destination ?? (process.stdout.isTTY ? prettyDestination(process.stdout, !('NO_COLOR' in process.env)) : pino.destination({ sync: false }));
  return pino({ level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime }, out);
}

const LEVELS: Record<number, [string, string]> = { 10: ['TRACE', '2'], 20: ['DEBUG', '2'], 30: ['INFO ', '32'], 40: ['WARN ', '33'], 50: ['ERROR', '31'], 60: ['FATAL', '1;97;41'] };
/** Fields the line's head already shows, or that say nothing to a person at the terminal. */
const SHOWN = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'component', 'device', 'err']);

/** One field as `key=value`: plain when it has no spaces, JSON otherwise. */
function field(key: string, value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return `${key}=${typeof value === 'string' && /^[^\s"=]+$/.test(value) ? text : JSON.stringify(value)}`;
}

/** A pino JSON line as a person reads it: `21:40:03.120 WARN  uplink: uplink error attempt=3`. */
export function prettyLine(json: string, colour: boolean): string {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const paint = (sgr: string, s: string): string => (colour ? `\x1b[${sgr}m${s}\x1b[0m` : s);
  const t = new Date(typeof o.time === 'string' || typeof o.time === 'number' ? o.time : Date.now());
  const time = `${t.toTimeString().slice(0, 8)}.${String(t.getMilliseconds()).padStart(3, '0')}`;
  const [name, sgr] = LEVELS[Number(o.level)] ?? [String(o.level), '0'];
  const who = [o.component, o.device].filter((v) => typeof v === 'string').join('/');
  // An error object gets its own line below; an error logged as a string is a field like any other.
  const fields = Object.entries(o).filter(([k, v]) => !SHOWN.has(k) || (k === 'err' && typeof v !== 'object')).map(([k, v]) => field(k, v));
  const err = typeof o.err !== 'object' || o.err === null ? undefined : (o.err as { type?: string; message?: string; code?: string; errors?: { message?: string }[]; stack?: string });
  // Node's ECONNREFUSED to a dual-stack host is an AggregateError with an empty message.
  const why = err ? err.message || err.errors?.map((e) => e.message).join('; ') || err.code || '' : '';
  let line = `${paint('2', time)} ${paint(sgr, name)} ${who ? `${paint('1', who)}: ` : ''}${String(o.msg ?? '')}${fields.length ? ` ${paint('2', fields.join(' '))}` : ''}`;
  if (err) line += `\n    ${paint(sgr, `${err.type ?? 'Error'}: ${why}`)}${Number(o.level) >= 50 && err.stack ? `\n${err.stack.split('\n').slice(1).join('\n')}` : ''}`;
  return `${line}\n`;
}

/** A pino destination printing `prettyLine`s to a terminal (synchronous, as TTY writes are on Linux). */
export function prettyDestination(tty: NodeJS.WritableStream, colour: boolean): DestinationStream {
  return { write: (chunk: string) => void tty.write(chunk.split('\n').filter(Boolean).map((l) => prettyLine(l, colour)).join('')) };
}
