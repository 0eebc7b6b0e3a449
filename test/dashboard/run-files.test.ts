import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRunFile, resolveRunFile } from '../../dashboard/run-files.js';

let root: string;
let out: string;
let runs: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'dash-files-'));
  out = join(root, 'data', 'out');
  runs = join(out, 'runs');
  mkdirSync(join(runs, '2016-03-27-abc'), { recursive: true });
  mkdirSync(join(runs, '.staging-1'), { recursive: true });
  writeFileSync(join(runs, '2016-03-27-abc', 'forecasts.csv'), 'store,sku,date\r\n');
  writeFileSync(join(runs, '2016-03-27-abc', 'run.json'), '{}');
  writeFileSync(join(runs, '.staging-1', 'forecasts.csv'), 'partial');
  writeFileSync(join(root, 'data', 'config.json'), '{"secret":1}');
  writeFileSync(join(root, 'outside.csv'), 'secret');
  symlinkSync(join('runs', '2016-03-27-abc'), join(out, 'latest'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('resolveRunFile', () => {
  it('serves a published file of a run directory, also through latest', async () => {
    expect(await resolveRunFile(out, '2016-03-27-abc', 'forecasts.csv')).toEqual({
      path: join(runs, '2016-03-27-abc', 'forecasts.csv'), runId: '2016-03-27-abc', file: 'forecasts.csv', bytes: 16,
    });
    expect(await resolveRunFile(out, 'latest', 'run.json')).toMatchObject({ runId: '2016-03-27-abc', file: 'run.json', bytes: 2 });
  });

  it('serves nothing else', async () => {
    const refused: Array<[string, string]> = [
      ['2016-03-27-abc', 'orders.csv'], // not written
      ['2016-03-27-abc', 'replenishment.csv'], // no longer a run file
      ['2016-03-27-abc', 'notes.txt'], // not a run file
      ['.staging-1', 'forecasts.csv'], // a run being assembled
      ['..', 'config.json'],
      ['../..', 'outside.csv'],
      ['2016-03-27-abc/..', 'run.json'],
      ['2016-03-27-abc', '../run.json'],
      ['', 'run.json'],
      ['nope', 'run.json'],
    ];
    for (const [id, f] of refused) expect(await resolveRunFile(out, id, f), `${id}/${f}`).toBeNull();
  });

  it('does not follow a symbolic link out of the runs directory', async () => {
    mkdirSync(join(runs, 'planted'));
    symlinkSync(join(root, 'outside.csv'), join(runs, 'planted', 'forecasts.csv'));
    symlinkSync(root, join(runs, 'escape'));
    expect(await resolveRunFile(out, 'planted', 'forecasts.csv')).toBeNull();
    expect(await resolveRunFile(out, 'escape', 'forecasts.csv')).toBeNull();
  });

  it('refuses a directory where a file is expected, and a missing latest link', async () => {
    mkdirSync(join(runs, '2016-03-27-abc', 'report.html'));
    expect(await resolveRunFile(out, '2016-03-27-abc', 'report.html')).toBeNull();
    rmSync(join(out, 'latest'));
    expect(await resolveRunFile(out, 'latest', 'run.json')).toBeNull();
  });
});

describe('isRunFile', () => {
  it('knows the servable names', () => {
    for (const f of ['forecasts.csv', 'orders.csv', 'orders-by-supplier.csv', 'simulation.csv', 'rejected.csv', 'report.html']) expect(isRunFile(f)).toBe(true);
    for (const f of ['run-config.json', 'prepared.json', 'FORECASTS.CSV', 'replenishment.csv', '']) expect(isRunFile(f)).toBe(false);
  });
});
