import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodePooled, encodePooled, loadPooled, POOLED_FILE, savePooled } from '../../../pipelines/forecast/pooled-file.js';
import type { PooledStage } from '../../../pipelines/forecast/pooled-stage.js';

const stage: PooledStage = {
  forecasts: [Float64Array.from([0.1 + 0.2, 1 / 3, 0, 1e-300]), null, Float64Array.from([Math.PI])],
  facts: { used: true, rows: 420, series: 2, trees: 600, fitMs: 12, weight: 0.5 },
};

describe('pooled forecasts file', () => {
  it('gives back every value bit for bit, the nulls and the facts', () => {
    const back = decodePooled(encodePooled(stage));
    expect(back.facts).toEqual(stage.facts);
    expect(back.forecasts[1]).toBeNull();
    expect(Array.from(back.forecasts[0]!)).toEqual([0.30000000000000004, 1 / 3, 0, 1e-300]);
    expect(Array.from(back.forecasts[2]!)).toEqual([Math.PI]);
  });

  it('saves and loads in a directory; null without the file; refuses bytes of another shape', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pooled-file-'));
    try {
      expect(await loadPooled(dir)).toBeNull();
      await savePooled(dir, stage);
      expect((await loadPooled(dir))!.facts.rows).toBe(420);
      writeFileSync(join(dir, POOLED_FILE), encodePooled(stage).subarray(0, 30));
      await expect(loadPooled(dir)).rejects.toThrow(/pooled forecasts/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(() => decodePooled(Buffer.concat([encodePooled(stage), Buffer.alloc(8)]))).toThrow(/bytes of values for 5 values/);
  });
});
