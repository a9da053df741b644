/**
 * A process that runs the systemd notifier on its event loop, then blocks that loop with a busy-wait
 * for BLOCK_MS (a hung handler), then idles again; prints the block's start and end (epoch ms).
 */
import { pino } from 'pino';
import { startSystemdNotifier } from '../../../gateway/ops/systemd-notify.js';

const blockMs = Number(process.env.BLOCK_MS);
const notifier = startSystemdNotifier(pino({ level: 'silent' }));
setTimeout(() => {
  const start = Date.now();
  while (Date.now() - start < blockMs) {
    // busy: the event loop runs nothing, timers included
  }
  process.stdout.write(`${JSON.stringify({ blockStart: start, blockEnd: Date.now() })}\n`);
  setTimeout(() => {
    notifier.stopping();
    setTimeout(() => process.exit(0), 300);
  }, 1500);
}, 1500);
