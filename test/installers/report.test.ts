/**
 * Issue 12, item 6: `vgw report` writes HTML and JSON; the JSON matches the database, and the HTML,
 * rendered in headless Chromium, shows the gateway id and a row per self-test step: one more recorded
 * step makes the rendered page's content end lower (the check fails if the row is not drawn). The PDF
 * print is A4.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireTools } from '../support/tools.js';
import { vgw } from '../support/vgw-cli.js';
import { contentBottom, readPng } from './png.js';
import { wiredBox } from './support.js';

const ok = requireTools('chromium');
const dir = mkdtempSync(join(tmpdir(), 'vgw-report-'));
const WINDOW = { width: 1240, height: 1754 }; // A4 at 150 dpi

const chromium = (...args: string[]) => execFileSync('chromium', ['--headless', '--no-sandbox', '--disable-gpu', ...args], { stdio: ['ignore', 'pipe', 'ignore'], timeout: 60_000 }).toString('utf8');

describe.skipIf(!ok)('vgw report', () => {
  let config = '';
  const db = () => join(dir, 'box', 'data', 'gateway.db');

  beforeAll(async () => {
    const box = await wiredBox(join(dir, 'box'));
    config = box.config;
    const r = await vgw(['test', '--config', config, '--non-interactive', '--timeout', '1', '--only', 'pir-market', '--sysfs-root', box.sysfs.root, '--lang', 'en']);
    expect(r.stdout).toContain('FAIL pir-market');
  });

  const render = async (name: string) => {
    const html = join(dir, `${name}.html`);
    const r = await vgw(['report', '--config', config, '--out', html, '--offline', '--lang', 'en']);
    expect(r.code, r.stderr).toBe(0);
    const png = join(dir, `${name}.png`);
    chromium(`--screenshot=${png}`, `--window-size=${WINDOW.width},${WINDOW.height}`, `file://${html}`);
    return { html, json: join(dir, `${name}.json`), png: readPng(png) };
  };

  it('writes JSON matching the database and HTML that Chromium renders with the id and each result row', async () => {
    const one = await render('one');
    const data = JSON.parse(readFileSync(one.json, 'utf8')) as { identity: { gatewayId: string }; selfTests: unknown[]; devices: { id: string; pin: number | null }[] };
    const rows = new Database(db(), { readonly: true }).prepare('SELECT run, device, kind, step, result, ts, detail FROM selftest_results ORDER BY id').all();
    expect(data.selfTests).toEqual(rows);
    expect(data.identity.gatewayId).toBe('370283104-xiejiayu-01');
    expect(data.devices.find((d) => d.id === 'pir-market')?.pin).toBe(22);
    const dom = chromium('--dump-dom', `file://${one.html}`);
    expect(dom).toContain('370283104-xiejiayu-01');
    expect(dom).toMatch(/<tr class="result" data-device="pir-market">.*?<td class="fail">FAIL<\/td><td>no change within 1 s/);
    expect([one.png.width, one.png.height]).toEqual([WINDOW.width, WINDOW.height]);

    // One more step recorded: the page grows by a row.
    const writable = new Database(db());
    writable.prepare("INSERT INTO selftest_results (run, device, kind, step, result, ts, detail) VALUES ('r2', 'siren-1', 'relay', 'relay', 'pass', ?, 'pulsed')").run(Date.now());
    writable.close();
    const two = await render('two');
    const grew = contentBottom(two.png) - contentBottom(one.png);
    expect(contentBottom(one.png)).toBeGreaterThan(300);
    expect(grew, 'the extra result row is drawn').toBeGreaterThanOrEqual(20);
  });

  it('prints to an A4 PDF', () => {
    const html = join(dir, 'one.html');
    const pdf = join(dir, 'report.pdf');
    chromium(`--print-to-pdf=${pdf}`, `file://${html}`);
    const text = readFileSync(pdf).toString('latin1');
    expect(text.startsWith('%PDF-')).toBe(true);
    // A4 is 595 x 842 points.
    expect(text).toMatch(/\/MediaBox \[0 0 59[45]\.\d* 84[12]\.\d*\]/);
  });
});
