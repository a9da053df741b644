/**
 * A gateway process for the pictures' power-cut test: a picture gateway (test cameras) on the data
 * directory in argv[2] whose uplink goes nowhere, emitting pictures as fast as they commit and printing
 * `committed {eventId}` for each, until it is killed. Also writes one file into the pictures folder
 * without syncing it (the control: a power cut must lose that one).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jpeg, snap } from './camera-kind.js';
import { CAMERAS, startPictureGateway } from './picture-gateway.js';

const dataDir = process.argv[2] as string;
const { gateway } = await startPictureGateway({ uplinkUrl: 'mqtt://127.0.0.1:9', dataDir });
writeFileSync(join(dataDir, 'snapshots', 'control-unsynced.jpg'), jpeg(5000, 0));
process.stdout.write('started\n');
let n = 0;
const worker = async (cam: string) => {
  for (;;) {
    const k = n++;
    await snap(cam, jpeg(20_000 + (k % 7) * 1000, k), { n: k });
    process.stdout.write(`committed ${k}\n`);
  }
};
void Promise.all(CAMERAS.map(worker)).finally(() => gateway.stop());
