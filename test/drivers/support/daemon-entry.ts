/**
 * The daemon without the CLI around it: `runDaemon` as `vgw run` calls it. Which modules the CLI loads
 * for its other commands is the CLI's business; this shows what the gateway itself loads (issue 14).
 */
import { createLogger } from '../../../gateway/kernel/log.js';
import { runDaemon } from '../../../gateway/main.js';

await runDaemon(process.argv[2] as string, createLogger());
