import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  checkRunId,
  confinePath,
  DATA_PATH_PATTERN,
  dataLayout,
  isInside,
  isRunId,
  queueStagingDirOf,
  relativeToData,
  removeScratchDir,
  workDirOf,
} from '../../../pipelines/io/paths.js';
import { PathError } from '../../../pipelines/errors.js';

const base = mkdtempSync(join(tmpdir(), 'paths-'));
const data = join(base, 'data');
const outside = join(base, 'outside');
mkdirSync(join(data, 'incoming'), { recursive: true });
mkdirSync(outside, { recursive: true });
writeFileSync(join(outside, 'secret.csv'), 'x');
writeFileSync(join(data, 'incoming', 'a.csv'), 'x');
symlinkSync(outside, join(data, 'escape'));
symlinkSync(join(data, 'incoming'), join(data, 'inside-link'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('confinePath', () => {
  it('resolves relative paths against the data directory', () => {
    expect(confinePath(data, 'incoming/a.csv')).toBe(join(data, 'incoming', 'a.csv'));
    expect(confinePath(data, './incoming/../incoming/a.csv')).toBe(join(data, 'incoming', 'a.csv'));
  });
  it('accepts absolute paths inside and paths that do not exist yet', () => {
    expect(confinePath(data, join(data, 'incoming', 'a.csv'))).toBe(join(data, 'incoming', 'a.csv'));
    expect(confinePath(data, 'out/runs/new/forecasts.csv')).toBe(join(data, 'out', 'runs', 'new', 'forecasts.csv'));
  });
  it('rejects .. escapes, absolute paths elsewhere, NUL bytes and empty paths', () => {
    expect(() => confinePath(data, '../outside/secret.csv')).toThrow(PathError);
    expect(() => confinePath(data, 'incoming/../../outside/secret.csv')).toThrow(/outside the data directory/);
    expect(() => confinePath(data, '/etc/passwd')).toThrow(PathError);
    expect(() => confinePath(data, 'a\0b')).toThrow(/NUL/);
    expect(() => confinePath(data, '')).toThrow(PathError);
  });
  it('rejects a symbolic link that leads out, also for files below it that do not exist', () => {
    expect(() => confinePath(data, 'escape/secret.csv')).toThrow(/symbolic link/);
    expect(() => confinePath(data, 'escape/new/file.csv')).toThrow(/symbolic link/);
  });
  it('accepts a symbolic link that stays inside', () => {
    expect(confinePath(data, 'inside-link/a.csv')).toBe(join(data, 'inside-link', 'a.csv'));
  });
  it('does not treat a sibling directory sharing the prefix as inside', () => {
    expect(isInside('/srv/data', '/srv/data-other/x')).toBe(false);
    expect(isInside('/srv/data', '/srv/data/..x')).toBe(true);
    expect(isInside('/srv/data', '/srv/data')).toBe(true);
  });
});

describe('relativeToData and dataLayout', () => {
  it('writes payload paths relative to the data directory with forward slashes', () => {
    expect(relativeToData(data, join(data, 'incoming', 'a.csv'))).toBe('incoming/a.csv');
    expect(() => relativeToData(data, join(outside, 'secret.csv'))).toThrow(PathError);
  });
  it('puts incoming files, history and outputs under the data directory', () => {
    const l = dataLayout(data);
    for (const p of [l.incoming, l.incomingDone, l.incomingFailed, l.quarantine, l.historyDb, l.out, l.work]) expect(isInside(data, p)).toBe(true);
    expect(l.historyDb.endsWith(join('history', 'sales.db'))).toBe(true);
  });
});

describe('run ids, payload paths and removing scratch directories', () => {
  it('a run id is letters, digits, "_" and "-": never a path', () => {
    for (const ok of ['2016-03-27-0123456789ab', '2016-03-27-nightly-0123456789', 'r1', 'A_b-9']) expect(isRunId(ok), ok).toBe(true);
    for (const bad of ['', '..', '../../victim', 'a/b', 'a\\b', '.staging-x', '-x', 'a.b', 'a b', 'x\n', 'é', 'a'.repeat(129), null, 7]) expect(isRunId(bad), String(bad)).toBe(false);
    expect(() => checkRunId('../../victim', 'job id')).toThrow(/job id "\.\.\/\.\.\/victim" is not a valid run id/);
    expect(workDirOf(data, 'r1')).toBe(join(data, 'work', 'r1'));
    expect(queueStagingDirOf(data, 'r1')).toBe(join(data, 'out', 'runs', '.staging-r1'));
    expect(() => workDirOf(data, '..')).toThrow(PathError);
  });
  it('a payload path is relative, with named segments', () => {
    for (const ok of ['sales.csv', 'samples/sample-sales.csv', 'incoming/Sales Export (2024).csv.gz', 'ventes/été.csv', '_x/y']) expect(DATA_PATH_PATTERN.test(ok), ok).toBe(true);
    for (const bad of ['/etc/passwd', '../x', 'a/../b', './a', 'a/./b', '.hidden', 'a//b', 'a\\b', 'a/', 'C:\\x', 'a\u0000b', 'a\u001b[2J', '-rf']) expect(DATA_PATH_PATTERN.test(bad), bad).toBe(false);
  });
  it('removes only a directory below work/ or a .staging-* directory in out/runs, resolved through links', async () => {
    const d = join(base, 'scratch');
    mkdirSync(join(d, 'work', 'r1'), { recursive: true });
    mkdirSync(join(d, 'out', 'runs', '.staging-r1'), { recursive: true });
    mkdirSync(join(d, 'out', 'runs', 'r0'), { recursive: true });
    mkdirSync(join(d, 'history'), { recursive: true });
    writeFileSync(join(d, 'history', 'sales.db'), 'x');
    symlinkSync(join(d, 'history'), join(d, 'work', 'link'));
    symlinkSync(join(d, 'history'), join(d, 'out', 'runs', '.staging-link'));
    for (const bad of [d, join(d, 'history'), join(d, 'work'), join(d, 'work', '..', 'history'), join(d, 'work', 'link'), join(d, 'out', 'runs', '.staging-link'), join(d, 'out', 'runs', 'r0'), join(d, 'out', 'runs', '.staging-'), outside]) {
      await expect(removeScratchDir(d, bad), bad).rejects.toThrow(/refusing to remove/);
    }
    expect(readdirSync(join(d, 'history'))).toEqual(['sales.db']);
    await removeScratchDir(d, join(d, 'work', 'r1'));
    await removeScratchDir(d, join(d, 'out', 'runs', '.staging-r1'));
    await removeScratchDir(d, join(d, 'work', 'never-made'));
    expect(readdirSync(join(d, 'work')).sort()).toEqual(['link']);
    expect(readdirSync(join(d, 'out', 'runs')).sort()).toEqual(['.staging-link', 'r0']);
  });
});
