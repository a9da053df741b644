/** The one root logger (style rule 12): pino JSON lines; components take `log.child({ component })`. */
import { pino, type DestinationStream, type Logger } from 'pino';

export function createLogger(level = process.env.VGW_LOG_LEVEL ?? 'info', destination?: DestinationStream): Logger {
  return pino({ level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime }, destination ?? pino.destination({ sync: false }));
}
