/** The definition of `vgw camera probe` (its work: camera-probe.ts, imported only when it runs, issue 14). */
import type { Command } from 'commander';
import type { ProbeOptions } from './camera-probe.js';
import { numberOption } from './cli-numbers.js';

/** Adds `vgw camera probe` to the CLI. */
export function addCameraCommand(program: Command): void {
  const camera = program.command('camera').description('cameras: check one before adding it to the config (摄像机)');
  camera
    .command('probe')
    .description('check a camera: reachable, login, ONVIF services and event topics, snapshot, clock drift')
    .argument('<url>', "the camera's address, e.g. http://192.168.1.64")
    .option('--user <user>', 'login user on the camera')
    .option('--password-file <file>', 'file with the camera password (mode 0600)')
    .option('--snapshot-url <url>', 'snapshot URL or path instead of ONVIF GetSnapshotUri')
    .option('--onvif-path <path>', 'path of the ONVIF device service', '/onvif/device_service')
    .addOption(numberOption('--timeout <ms>', 'time limit of each request', { min: 100, max: 60_000, whole: true, unit: 'ms', example: 5000, default: 5000 }))
    .addOption(numberOption('--drift-max <seconds>', 'clock drift that counts as wrong', { min: 1, max: 86_400, unit: 'seconds', example: 30, default: 30 }))
    .action(async (url: string, o: ProbeOptions) => {
      const { probeCamera } = await import('./camera-probe.js');
      process.exitCode = await probeCamera(url, o);
    });
}
