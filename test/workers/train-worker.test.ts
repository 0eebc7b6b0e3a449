import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/load.js';
import { ConfigError } from '../../pipelines/errors.js';
import { readRunConfig } from '../../workers/train-worker.js';

describe('readRunConfig (a queued run\'s settings read back from its work directory)', () => {
  it('gives back the settings the run was prepared with', () => {
    const config = parseConfig({ horizon: 14, runDate: '2024-03-31', models: { minHistory: 30 } });
    expect(readRunConfig(JSON.stringify(config), '/data/work/r1')).toEqual(config);
  });
  it('refuses a damaged file or invalid settings, naming the file', () => {
    expect(() => readRunConfig('{"horizon": 14', '/data/work/r1')).toThrow(ConfigError);
    expect(() => readRunConfig('{"horizon": 14', '/data/work/r1')).toThrow(/run-config\.json in \/data\/work\/r1 is not valid JSON/);
    expect(() => readRunConfig(JSON.stringify({ horizon: -1 }), '/data/work/r1')).toThrow(/invalid run-config\.json in \/data\/work\/r1:\n  horizon:/);
  });
});
