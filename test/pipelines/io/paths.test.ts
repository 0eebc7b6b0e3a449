import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { confinePath, dataLayout, isInside, PathError, relativeToData } from '../../../pipelines/io/paths.js';

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
