/**
 * `vgw archive`: an archiver as a service (issue 16) — every event of the township broker stored once,
 * before its PUBACK, in a SQLite file (a township, the embedded default) or PostgreSQL (a county
 * platform: partitioned by month, several archivers in one MQTT 5 shared subscription). The headless
 * monitor with an archive; pino JSON logs on stdout. The monitor's code is imported only when the
 * archiver runs (issue 14).
 */
import { readFileSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import type { Severity } from '../../../gateway/kernel/severity.js';
import type { WebhookOptions } from '../archive/webhook.js';
import { withBrokerOptions } from '../../commands/broker-options.js';
import { MAX_TIMER_SEC, numberOption } from '../../commands/cli-numbers.js';
import { MAX_CONNECTIONS } from '../monitor/connections.js';
import { idList, severityList } from './filter-options.js';
import type { MonitorOptions } from './monitor.js';

interface ArchiveOptions extends Omit<MonitorOptions, 'archive' | 'headless' | 'webhook'> {
  sqlite?: string;
  webhook?: string;
  webhookSecretFile?: string;
  webhookSeverity: Severity[];
  webhookQueue?: string;
}

/** The webhook sink's options from the command line, or undefined without --webhook. */
function webhookOptions(o: ArchiveOptions): WebhookOptions | undefined {
  if (!o.webhook) return undefined;
  if (!/^https?:\/\//.test(o.webhook)) throw new Error(`--webhook ${o.webhook}: use an http:// or https:// URL`);
  if (!o.webhookSecretFile) throw new Error('--webhook needs --webhook-secret-file <file> (the shared secret its receiver checks signatures with)');
  let secret: string;
  try {
    secret = readFileSync(o.webhookSecretFile, 'utf8').trim();
  } catch (err) {
    throw new Error(`cannot read --webhook-secret-file ${o.webhookSecretFile} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); check the path`, { cause: err });
  }
  if (secret.length < 16) throw new Error(`--webhook-secret-file ${o.webhookSecretFile}: the secret is shorter than 16 characters; use a long random one (openssl rand -hex 32)`);
  return { url: o.webhook, secret, severities: o.webhookSeverity, queueFile: o.webhookQueue ?? `vgw-webhook-${o.clientId ?? 'archiver'}.db` };
}

function postgresUrl(value: string): string {
  if (!/^postgres(ql)?:\/\//.test(value)) throw new InvalidArgumentError('use a URL like postgres://archiver@db.example:5432/pingan (the password in ~/.pgpass or PGPASSWORD, not in the URL)');
  return value;
}

export function addArchiveCommand(program: Command): void {
  withBrokerOptions(program.command('archive').description('store every event of the township broker once, in SQLite or PostgreSQL (监控中心 archive)'))
    .option('--sqlite <file>', 'archive in this SQLite file (a township; the default engine)')
    .option('--postgres <url>', 'archive in PostgreSQL (a county platform), e.g. postgres://archiver@db:5432/pingan', postgresUrl)
    .option('--share <group>', 'join MQTT 5 shared subscription $share/<group>/…: archivers of one group split the events')
    .addOption(numberOption('--connections <n>', 'broker connections in the shared subscription, committed together', { min: 1, max: MAX_CONNECTIONS, whole: true, example: 4, default: 1 }))
    .addOption(numberOption('--retain-months <n>', 'PostgreSQL: months kept before the current one; older monthly partitions are dropped', { min: 1, max: 1200, whole: true, example: 36 }))
    .option('--township <code>', 'only this township')
    .option('--gateway <ids>', 'only these gateways (comma-separated)', idList)
    .option('--client-id <id>', 'MQTT client id (the broker keeps this archiver\'s queue under it)')
    .option('--webhook <url>', 'also push alarms to this URL (HTTP POST, signed, retried until delivered; 第三方接口推送)')
    .option('--webhook-secret-file <file>', 'file holding the secret the pushes are signed with (HMAC-SHA256)')
    .option('--webhook-severity <list>', 'severities pushed, comma-separated', severityList, ['critical', 'major'])
    .option('--webhook-queue <file>', 'SQLite file queueing the pushes (default vgw-webhook-<client id>.db)')
    .addOption(numberOption('--stats-every <seconds>', 'seconds between stats lines', { min: 1, max: MAX_TIMER_SEC, unit: 'seconds', example: 60, default: 60 }))
    .addOption(numberOption('--settle <seconds>', 'how long a seq gap may stay open while its gateway is online before it counts as loss', { min: 0, max: 86_400, unit: 'seconds', example: 30, default: 30 }))
    .action(async (o: ArchiveOptions, cmd: Command) => {
      if (!!o.sqlite === !!o.postgres) cmd.error('error: name one archive: --sqlite <file> or --postgres <url>', { exitCode: 2 });
      if (o.retainMonths !== undefined && !o.postgres) cmd.error('error: --retain-months drops monthly partitions, which only the PostgreSQL archive has; drop it or use --postgres', { exitCode: 2 });
      if (o.connections && o.connections > 1 && !o.share) cmd.error('error: --connections above 1 needs --share <group>, or each connection would receive every event', { exitCode: 2 });
      const { runMonitor } = await import('./monitor.js');
      try {
        await runMonitor({ ...o, archive: o.sqlite, headless: true, webhook: webhookOptions(o) });
      } catch (err) {
        cmd.error(`error: ${(err as Error).message}`, { exitCode: 2 });
      }
    });
}
