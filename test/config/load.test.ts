import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configFromEnv, loadConfig, parseConfig } from '../../config/load.js';
import { defaultConfig } from '../../config/schema.js';
import { ConfigError } from '../../pipelines/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'config-load-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

/** The ConfigError a call throws (fails the test when it throws nothing or something else). */
function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

describe('loadConfig precedence: defaults < file < environment < flags', () => {
  const settings = file(
    'settings.json',
    JSON.stringify({
      dataDir: 'from-file',
      horizon: 14,
      queue: { redisUrl: 'redis://file:1', batchSize: 10 },
      dashboard: { user: 'file-user', port: 3100 },
      intervals: { levels: [50, 90] },
    }),
  );
  const env = { FORECAST_DATA_DIR: 'from-env', REDIS_URL: 'redis://env:2', FORECAST_DASHBOARD_USER: 'env-user', FORECAST_DASHBOARD_PASSWORD: 'env-secret' };

  it('gives the defaults with nothing set', () => {
    expect(loadConfig()).toEqual(defaultConfig());
  });

  it('takes a file value over the default', () => {
    const c = loadConfig({ file: settings });
    expect(c.dataDir).toBe('from-file');
    expect(c.horizon).toBe(14);
    expect(c.queue.batchSize).toBe(10);
    expect(c.queue.attempts).toBe(defaultConfig().queue.attempts); // a sibling left out keeps its default
  });

  it('takes the environment over the file, merging objects field by field', () => {
    const c = loadConfig({ file: settings, env });
    expect(c.dataDir).toBe('from-env');
    expect(c.queue).toMatchObject({ redisUrl: 'redis://env:2', batchSize: 10 });
    expect(c.dashboard).toMatchObject({ user: 'env-user', password: 'env-secret', port: 3100 });
    expect(c.horizon).toBe(14);
  });

  it('takes flags over the environment; a flag left undefined does not erase a value; arrays replace', () => {
    const c = loadConfig({ file: settings, env, overrides: { dataDir: 'from-flag', horizon: undefined, intervals: { levels: [80] } } });
    expect(c.dataDir).toBe('from-flag');
    expect(c.horizon).toBe(14);
    expect(c.intervals.levels).toEqual([80]);
    expect(c.queue.redisUrl).toBe('redis://env:2');
  });

  it('reads the environment only when given one', () => {
    expect(loadConfig({ file: settings }).dataDir).toBe('from-file');
  });
});

describe('configFromEnv', () => {
  it('reads the four variables and ignores empty ones and every other variable', () => {
    expect(configFromEnv({ FORECAST_DATA_DIR: '/d', REDIS_URL: 'redis://h:1', FORECAST_HORIZON: '7', HOME: '/root' })).toEqual({
      dataDir: '/d',
      queue: { redisUrl: 'redis://h:1' },
    });
    expect(configFromEnv({ FORECAST_DATA_DIR: '', REDIS_URL: '', FORECAST_DASHBOARD_USER: '', FORECAST_DASHBOARD_PASSWORD: '' })).toEqual({});
    expect(configFromEnv({ FORECAST_DASHBOARD_PASSWORD: 'p' })).toEqual({ dashboard: { password: 'p' } });
  });
});

describe('ConfigError messages of config/', () => {
  it('names a config file that cannot be read', () => {
    const missing = join(dir, 'missing.json');
    expect(configError(() => loadConfig({ file: missing })).message).toBe(`config file not found: "${missing}"`);
  });

  it('names a config file that is not JSON, with where the parser stopped, never its contents', () => {
    const broken = file('broken.json', '{"horizon": ');
    expect(configError(() => loadConfig({ file: broken })).message).toBe(`config file "${broken}" is not valid JSON (it ends too early)`);
    const secret = file('secret.json', 'password: hunter2');
    expect(configError(() => loadConfig({ file: secret })).message).toBe(`config file "${secret}" is not valid JSON`);
  });

  it('refuses a config file whose JSON is not an object of settings', () => {
    for (const [name, text, kind] of [['number.json', '42', 'a number'], ['null.json', 'null', 'null'], ['list.json', '[{"horizon": 7}]', 'an array']]) {
      const p = file(name, text);
      expect(configError(() => loadConfig({ file: p })).message).toBe(`config file "${p}" must hold a JSON object of settings, got ${kind}`);
    }
  });

  it('lists every invalid value of a file, each with its path, under the file name', () => {
    const bad = file('bad.json', JSON.stringify({ horizon: 0, models: { combineTop: 'x' }, bogus: 1, dashboard: { port: 70000 } }));
    expect(configError(() => loadConfig({ file: bad })).message).toBe(
      [
        `invalid ${bad}:`,
        '  horizon: Too small: expected number to be >=1',
        '  models.combineTop: Invalid input: expected number, received string',
        '  dashboard.port: Too big: expected number to be <=65535',
        '  (root): Unrecognized key: "bogus"',
      ].join('\n'),
    );
  });

  it('names the source "config" when no file is given (a flag or variable at fault)', () => {
    expect(configError(() => loadConfig({ overrides: { runDate: '2016-3-1' } })).message).toBe('invalid config:\n  runDate: expected a date as YYYY-MM-DD');
    expect(configError(() => loadConfig({ env: { REDIS_URL: 'x' }, overrides: { horizon: 400 } })).message).toBe(
      'invalid config:\n  horizon: Too big: expected number to be <=366',
    );
  });

  it('checks level names as --levels does (an empty attribute is a config error), trimming spaces', () => {
    expect(configError(() => parseConfig({ levels: ['store', 'store//category'] }, 'x')).message).toBe(
      'invalid x:\n  levels.1: expected a level name such as total, store or store/category (attributes joined by /, none empty), or default',
    );
    expect(parseConfig({ levels: [' total ', 'store/category'] }).levels).toEqual(['total', 'store/category']);
  });

  it('parseConfig names its source and reports a root problem as (root)', () => {
    expect(configError(() => parseConfig([1], 'job payload')).message).toBe('invalid job payload:\n  (root): Invalid input: expected object, received array');
    expect(parseConfig({})).toEqual(defaultConfig());
  });
});
