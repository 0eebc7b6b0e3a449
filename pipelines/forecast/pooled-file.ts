/**
 * The pooled stage's result (pooled-stage.ts `PooledStage`) carried from a queued run's prepare
 * step to its publish step, which may run in another process or on another machine, as the
 * levels plan is (pipelines/hierarchy/levels-plan-file.ts). Binary, so the doubles come back
 * bit for bit: a 4-byte little-endian length, a JSON header (version, facts, each series'
 * forecast length or -1 for none), then the forecasts' values as little-endian float64.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic-write.js';
import type { PooledFacts, PooledStage } from './pooled-stage.js';

/** File of the pooled forecasts inside a run's work directory. */
export const POOLED_FILE = 'pooled.bin';

interface PooledHeader {
  version: 1;
  facts: PooledFacts;
  /** Per series its forecast's length, -1 for none. */
  lengths: number[];
}

/** The stage as bytes (pure). */
export function encodePooled(stage: PooledStage): Buffer {
  const lengths = stage.forecasts.map((f) => (f ? f.length : -1));
  const header = Buffer.from(JSON.stringify({ version: 1, facts: stage.facts, lengths } satisfies PooledHeader), 'utf8');
  const total = lengths.reduce((a, n) => a + Math.max(0, n), 0);
  const out = Buffer.alloc(4 + header.length + 8 * total);
  out.writeUInt32LE(header.length, 0);
  header.copy(out, 4);
  let at = 4 + header.length;
  for (const f of stage.forecasts) {
    if (!f) continue;
    for (let j = 0; j < f.length; j++, at += 8) out.writeDoubleLE(f[j], at);
  }
  return out;
}

/** The stage from its bytes (pure). @throws on bytes of another shape */
export function decodePooled(bytes: Buffer): PooledStage {
  if (bytes.length < 4) throw new Error('pooled forecasts: file too short');
  const n = bytes.readUInt32LE(0);
  if (4 + n > bytes.length) throw new Error('pooled forecasts: header longer than the file');
  const header = JSON.parse(bytes.subarray(4, 4 + n).toString('utf8')) as PooledHeader;
  if (header?.version !== 1 || !Array.isArray(header.lengths) || typeof header.facts?.used !== 'boolean') throw new Error('pooled forecasts: not a version-1 file');
  let at = 4 + n;
  const total = header.lengths.reduce((a, len) => a + Math.max(0, len), 0);
  if (at + 8 * total !== bytes.length) throw new Error(`pooled forecasts: ${bytes.length - at} bytes of values for ${total} values`);
  const forecasts = header.lengths.map((len) => {
    if (len < 0) return null;
    const f = new Float64Array(len);
    for (let j = 0; j < len; j++, at += 8) f[j] = bytes.readDoubleLE(at);
    return f;
  });
  return { forecasts, facts: header.facts };
}

/** Write the stage into `dir` (atomic). */
export async function savePooled(dir: string, stage: PooledStage): Promise<void> {
  await writeFileAtomic(join(dir, POOLED_FILE), encodePooled(stage));
}

/** Read the stage from `dir`; null when the run has none (prepared by an earlier version). */
export async function loadPooled(dir: string): Promise<PooledStage | null> {
  let bytes: Buffer;
  try {
    bytes = await readFile(join(dir, POOLED_FILE));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  return decodePooled(bytes);
}
