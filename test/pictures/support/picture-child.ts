/**
 * A picture gateway (test cameras) as its own process, for what needs a process: a power cut (kill -9
 * with the durable-image shim) and memory read from /proc. Arguments: the data directory, the uplink
 * URL (default: nowhere), how many pictures (default: until killed) and their size. Prints
 * `committed {n}` per picture and `emitted {count}` when done. Also writes one file into the pictures
 * folder without syncing it: the power-cut test's control (a power cut must lose that one).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jpeg, snap } from './camera-kind.js';
import { CAMERAS, startPictureGateway } from './picture-gateway.js';

const [dataDir = '', uplinkUrl = 'mqtt://127.0.0.1:9', count = 'Infinity', size = '20000'] = process.argv.slice(2);
const total = Number(count);
const { gateway } = await startPictureGateway({ uplinkUrl, dataDir });
writeFileSync(join(dataDir, 'snapshots', 'control-unsynced.jpg'), jpeg(5000, 0));
process.stdout.write('started\n');
let n = 0;
const worker = async (cam: string) => {
  while (n < total) {
    const k = n++;
    await snap(cam, jpeg(Number(size) + (k % 7) * 1000, k), { n: k });
    process.stdout.write(`committed ${k}\n`);
  }
};
await Promise.all(CAMERAS.map(worker));
process.stdout.write(`emitted ${total}\n`);
process.once('SIGTERM', () => void gateway.stop().then(() => process.exit(0)));
