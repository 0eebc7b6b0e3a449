import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../config/schema.js';
import {
  batchRanges,
  parsePayload,
  publishJobId,
  runPayloadSchema,
  trainJobOptions,
  trainPayloadSchema,
} from '../../workers/queues.js';
import { PayloadError } from '../../pipelines/errors.js';

describe('job payload schemas', () => {
  it('accepts a file run and a nightly run', () => {
    expect(parsePayload(runPayloadSchema, { mode: 'input', input: 'incoming/a.csv', runDate: '2016-03-27' }, 'run')).toEqual({
      mode: 'input', input: 'incoming/a.csv', runDate: '2016-03-27',
    });
    expect(parsePayload(runPayloadSchema, { mode: 'incoming', horizon: 14 }, 'run')).toEqual({ mode: 'incoming', horizon: 14 });
  });
  it('lists every problem of a bad payload', () => {
    let err: unknown;
    try {
      parsePayload(runPayloadSchema, { mode: 'input', input: '../etc/passwd', runDate: '2016-02-30', horizon: 0, extra: 1 }, 'run');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PayloadError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/input: must not contain "\.\." segments/);
    expect(msg).toMatch(/runDate: not a calendar date/);
    expect(msg).toMatch(/horizon/);
    expect(msg).toMatch(/extra|Unrecognized/i);
  });
  it('rejects an unknown mode and a missing input', () => {
    expect(() => parsePayload(runPayloadSchema, { mode: 'other' }, 'run')).toThrow(PayloadError);
    expect(() => parsePayload(runPayloadSchema, { mode: 'input' }, 'run')).toThrow(/input/);
  });
  it('checks train-batch ranges', () => {
    expect(() => parsePayload(trainPayloadSchema, { runId: 'r', batch: 0, from: 5, to: 5 }, 'train')).toThrow(/to must be greater/);
    expect(parsePayload(trainPayloadSchema, { runId: 'r', batch: 1, from: 50, to: 100 }, 'train').to).toBe(100);
  });
});

describe('run ids and batches', () => {
  it('names a publish job without the ":" BullMQ reserves', () => {
    expect(publishJobId('2016-03-27-nightly-0123456789')).toBe('publish-2016-03-27-nightly-0123456789');
  });
  it('splits n series into contiguous batches that cover every series once', () => {
    expect(batchRanges(0, 50)).toEqual([]);
    expect(batchRanges(120, 50)).toEqual([{ from: 0, to: 50 }, { from: 50, to: 100 }, { from: 100, to: 120 }]);
    for (const [n, size] of [[1, 1], [7, 3], [280, 50], [280, 280]]) {
      const r = batchRanges(n, size);
      expect(r[0].from).toBe(0);
      expect(r[r.length - 1].to).toBe(n);
      for (let i = 1; i < r.length; i++) expect(r[i].from).toBe(r[i - 1].to);
    }
    expect(() => batchRanges(10, 0)).toThrow(/batch size/);
  });
  it('lets a failed child leave its parent (no waiting-children forever) and keeps Redis bounded', () => {
    const o = trainJobOptions(defaultConfig());
    expect(o.ignoreDependencyOnFailure).toBe(true);
    expect(o.removeOnComplete).toMatchObject({ count: expect.any(Number) });
    expect(o.removeOnFail).toMatchObject({ count: expect.any(Number) });
    expect(o.backoff).toEqual({ type: 'exponential', delay: 1000 });
  });
});
