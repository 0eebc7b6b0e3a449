/**
 * End-to-end: the built CLI on the exports small shops send (test/fixtures/exports/), as a
 * user runs it: `forecast validate` and `forecast run`, then run.json, rejected.csv and stderr.
 * Expected figures are counted by hand from the fixture files.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { ensureBuilt } from '../workers/build.js';

const exec = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'dist/bin/forecast.js');
const EXPORTS = join(ROOT, 'test/fixtures/exports');

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
  /** run.json of the run, when one was published. */
  run: Record<string, any> | null;
  out: string;
}

async function forecast(command: 'validate' | 'run', input: string, ...args: string[]): Promise<Outcome> {
  const out = await mkdtemp(join(tmpdir(), 'exports-cli-'));
  const argv = [CLI, command, '--input', input, '--out', out, ...args];
  let r: { code: number; stdout: string; stderr: string };
  try {
    const x = await exec(process.execPath, argv, { cwd: ROOT, env: { ...process.env, FORCE_COLOR: '0' } });
    r = { code: 0, stdout: x.stdout, stderr: x.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    r = { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
  let run: Record<string, any> | null = null;
  try {
    run = JSON.parse(await readFile(join(out, 'latest', 'run.json'), 'utf8'));
  } catch {
    run = null;
  }
  return { ...r, run, out };
}

beforeAll(() => {
  ensureBuilt();
}, 180_000);

describe('exports small shops send, through the CLI', () => {
  it("a café's POS export keeps COFFEE, ICED-COFFEE, TESTER-KIT, M, S and POSTER; only TIP is not a product", async () => {
    const r = await forecast('run', join(EXPORTS, 'cafe.csv'), '--run-date', '2026-11-28', '--threads', '1', '--horizon', '7');
    expect(r.code).toBe(0);
    expect(r.run!.rows).toEqual({ read: 14, accepted: 13, rejected: 1 });
    expect(r.run!.issues.non_product).toBe(1);
    expect(r.run!.input.profile).toEqual({ name: null, title: null, by: 'none' });
    expect(r.run!.forecast.series).toBe(6);
    const rejected = await readFile(join(r.out, 'latest', 'rejected.csv'), 'utf8');
    expect(rejected).toContain('TIP');
    // 1 of 14 rows (7.1%) is over the 5% warning line: said on stderr and in run.json
    expect(r.stderr).toMatch(/warning: 7\.1% of the rows were rejected \(1 of 14\).*non_product 1 rows/);
    expect(r.run!.warnings.map((w: { code: string }) => w.code)).toEqual(['rejected_share']);
  }, 60_000);

  it('a Shopify orders export is recognised and keeps the same item twice in one order; without its profile the repeat is dropped, loudly', async () => {
    const r = await forecast('validate', join(EXPORTS, 'shopify-orders.csv'), '--run-date', '2026-12-02');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('export profile: shopify (recognised from the header)');
    expect(r.run!.input.profile).toEqual({ name: 'shopify', title: 'Shopify orders export', by: 'header' });
    expect(r.run!.input.mapping).toMatchObject({ date: 'Created at', sku: 'Lineitem sku', quantity: 'Lineitem quantity', transaction: 'Name', price: 'Lineitem price' });
    expect(r.run!.rows).toEqual({ read: 5, accepted: 5, rejected: 0 });
    expect(r.run!.duplicateLines).toEqual({ policy: 'keep', lines: 0, units: 0, shareOfUnits: 0 });
    // the days of the series: test/pipelines/ingest/profiles.test.ts
    // without the profile the general policy drops the repeated Pin line, and says how many units
    const none = await forecast('validate', join(EXPORTS, 'shopify-orders.csv'), '--run-date', '2026-12-02', '--profile', 'none');
    expect(none.run!.rows).toEqual({ read: 5, accepted: 4, rejected: 1 });
    // 1 of 6 units read (1 + 1 + 1 + 2 + 1)
    expect(none.run!.duplicateLines).toEqual({ policy: 'drop', lines: 1, units: 1, shareOfUnits: 1 / 6 });
    expect(none.stderr).toMatch(/warning: 1 units \(16\.7% of the units read\) in 1 lines were dropped as repeats/);
  }, 60_000);

  it('a Square item sales export: refunds are returns, identical lines in one payment are two sales', async () => {
    const r = await forecast('validate', join(EXPORTS, 'square-items.csv'), '--run-date', '2026-11-30');
    expect(r.code).toBe(0);
    expect(r.run!.input.profile.name).toBe('square');
    expect(r.run!.rows).toEqual({ read: 5, accepted: 5, rejected: 0 });
    expect(r.run!.issues).toEqual({ return: 1 });
    expect(r.run!.input.kind).toBe('transactions');
  }, 60_000);

  it('a German export (Datum;Artikel;Menge;Filiale;Preis, D.M.YYYY, decimal commas) needs no --columns', async () => {
    const r = await forecast('run', join(EXPORTS, 'german.csv'), '--run-date', '2026-11-03', '--threads', '1', '--horizon', '7');
    expect(r.code).toBe(0);
    expect(r.run!.input.mapping).toEqual({ date: 'Datum', sku: 'Artikel', store: 'Filiale', quantity: 'Menge', price: 'Preis' });
    expect(r.run!.rows).toEqual({ read: 4, accepted: 4, rejected: 0 });
    expect(r.run!.forecast.series).toBe(3);
    expect(r.run!.forecast.firstDate).toBe('2026-11-04');
  }, 60_000);

  it('an Excel workbook: --sheet picks the sales sheet; rejected rows carry their sheet row numbers', async () => {
    const file = join(EXPORTS, 'cafe-two-sheets.xlsx');
    const first = await forecast('validate', file, '--run-date', '2026-11-30');
    expect(first.code).toBe(3);
    expect(first.stderr).toContain('sheet "Notes" of the workbook');
    const r = await forecast('validate', file, '--run-date', '2026-11-30', '--sheet', 'Sales');
    expect(r.code).toBe(0);
    expect(r.run!.rows).toEqual({ read: 5, accepted: 4, rejected: 1 });
    const rejected = (await readFile(join(r.out, 'latest', 'rejected.csv'), 'utf8')).split('\r\n');
    expect(rejected[1]).toMatch(/^6,bad_quantity,/);
    const xls = join(await mkdtemp(join(tmpdir(), 'exports-cli-in-')), 'old.xls');
    await writeFile(xls, Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]));
    const old = await forecast('validate', xls);
    expect(old.code).toBe(3);
    expect(old.stderr.trim().split('\n')).toEqual([expect.stringMatching(/old Excel workbook \(\.xls\).*save the sheet as CSV \(UTF-8\) or as an Excel workbook \(\.xlsx\)$/)]);
  }, 60_000);

  it('offset and UTC timestamps: --timezone moves a Z sale to the local date', async () => {
    const file = join(ROOT, 'test/fixtures/timestamps.csv');
    const utc = await forecast('validate', file, '--run-date', '2024-12-31');
    expect(utc.run!.input.timezone).toBeNull();
    const local = await forecast('validate', file, '--run-date', '2024-12-31', '--timezone', 'America/Anchorage');
    expect(local.code).toBe(0);
    expect(local.run!.input.timezone).toBe('America/Anchorage');
    const bad = await forecast('validate', file, '--run-date', '2024-12-31', '--timezone', 'Mars/Olympus');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('expected an IANA time zone');
  }, 60_000);

  it('headers nobody recognises: exit 3 with the headers found and a --columns line to start from', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'exports-cli-in-'));
    const file = join(dir, 'es.csv');
    await writeFile(file, 'Fecha de pedido;Artículo;Uds\n2026-11-01;Pan;3\n');
    const r = await forecast('validate', file, '--run-date', '2026-11-30');
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('"Fecha de pedido;Artículo;Uds"'.replace(/;/g, ','));
    expect(r.stderr).toContain('--columns "date=Fecha de pedido,sku=Artículo,quantity=Uds"');
    const fixed = await forecast('validate', file, '--run-date', '2026-11-30', '--columns', 'date=Fecha de pedido,sku=Artículo,quantity=Uds');
    expect(fixed.code).toBe(0);
    expect(fixed.run!.rows.accepted).toBe(1);
  }, 60_000);

  it('more than half of the rows rejected stops the run (exit 3) naming the reasons, unless --accept-rejects', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'exports-cli-in-'));
    const file = join(dir, 'mostly-bad.csv');
    await writeFile(file, 'date,sku,qty\n2026-11-01,A,1\n2026-13-01,A,1\n2026-11-02,,1\n2026-11-03,B,x\n');
    const r = await forecast('validate', file, '--run-date', '2026-11-30');
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/75\.0% of the rows were rejected \(3 of 4\): top reasons bad_date 1 rows, bad_quantity 1 rows, missing_sku 1 rows/);
    expect(r.stderr).toContain('--accept-rejects');
    // latest does not move; the run is kept as runs/<id>.failed, whose rejected.csv says why each row went
    await expect(readFile(join(r.out, 'latest', 'run.json'), 'utf8')).rejects.toThrow();
    const failed = /(\S+\.failed)\/rejected\.csv lists/.exec(r.stderr)![1];
    const kept = JSON.parse(await readFile(join(failed, 'run.json'), 'utf8'));
    expect(kept.rows).toEqual({ read: 4, accepted: 1, rejected: 3 });
    expect(kept.failure).toMatchObject({ stage: 'validation', exitCode: 3 });
    expect((await readFile(join(failed, 'rejected.csv'), 'utf8')).split('\r\n').filter(Boolean)).toHaveLength(4);
    const ok = await forecast('validate', file, '--run-date', '2026-11-30', '--accept-rejects');
    expect(ok.code).toBe(0);
    expect(ok.run!.warnings[0].code).toBe('rejected_share');
  }, 60_000);

  it('a stale export (last sale six weeks before the run date): forecasts from the run date, a warning, exit 3 past --max-stale-days', async () => {
    for (const [name, first, missing] of [
      ['stale-daily.csv', '2026-12-04', '41 days before the run date 2026-12-04: 41 days of sales are missing'],
      ['stale-weekly.csv', '2026-11-30', '39 days before the run date 2026-12-04: 5 weeks of sales are missing'],
    ]) {
      const r = await forecast('run', join(EXPORTS, name), '--run-date', '2026-12-04', '--threads', '1', '--horizon', '4');
      expect(r.code).toBe(0);
      expect(r.stderr).toContain(`warning: the data ends on`);
      expect(r.stderr).toContain(missing);
      expect(r.run!.warnings.filter((w: { code: string }) => w.code === 'stale_data')).toHaveLength(1);
      expect(r.run!.forecast.firstDate).toBe(first);
      const forecasts = (await readFile(join(r.out, 'latest', 'forecasts.csv'), 'utf8')).split(/\r?\n/);
      expect(forecasts[1].split(',')[2]).toBe(first);
    }
    const stopped = await forecast('run', join(EXPORTS, 'stale-daily.csv'), '--run-date', '2026-12-04', '--threads', '1', '--max-stale-days', '30');
    expect(stopped.code).toBe(3);
    expect(stopped.stderr).toContain('the data ends on 2026-10-23, 41 days before the run date 2026-12-04, more than --max-stale-days 30');
    expect(stopped.run).toBeNull();
  }, 90_000);
});
