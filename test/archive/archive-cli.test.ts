/** `vgw archive` and the archive searches refuse a wrong command line with one line naming the fix (issue 16). */
import { describe, expect, it } from 'vitest';
import { STACK_LINE, vgw } from '../support/vgw-cli.js';

const BROKER = ['--broker', 'mqtt://127.0.0.1:1'];

describe('archive command line mistakes', { concurrent: true }, () => {
  const cases: [string, string[], RegExp][] = [
    ['no archive named', ['archive', ...BROKER], /name one archive: --sqlite <file> or --postgres <url>/],
    ['both archives named', ['archive', ...BROKER, '--sqlite', 'a.db', '--postgres', 'postgres://x@h/db'], /name one archive/],
    ['a URL that is not PostgreSQL', ['archive', ...BROKER, '--postgres', 'mysql://x@h/db'], /postgres:\/\/archiver@db\.example:5432\/pingan/],
    ['retention on SQLite', ['archive', ...BROKER, '--sqlite', 'a.db', '--retain-months', '12'], /only the PostgreSQL archive has/],
    ['connections without a group', ['archive', ...BROKER, '--sqlite', 'a.db', '--connections', '3'], /needs --share <group>/],
    ['a webhook without its secret', ['archive', ...BROKER, '--sqlite', 'a.db', '--webhook', 'https://platform.example/alarms'], /needs --webhook-secret-file/],
    ['an unknown webhook severity', ['archive', ...BROKER, '--sqlite', 'a.db', '--webhook-severity', 'loud'], /use severities from critical, major, minor, info/],
    ['a month that is not one', ['report', 'monthly', '--month', '2026-13', '--archive', 'a.db'], /use a month like 2026-11/],
    ['gaps over a shared group\'s files', ['events', 'gaps', '--archive', 'a.db', 'b.db'], /gaps need the whole archive/],
  ];
  for (const [what, args, message] of cases) {
    it(`says so for ${what}`, async () => {
      const r = await vgw(args, { timeoutMs: 30_000 });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(STACK_LINE);
    });
  }
});
