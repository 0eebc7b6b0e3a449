/**
 * Bad input: the nasty-file corpus (test/fixtures/nasty/make.mjs), random CSV in random
 * encodings (fast-check), and invalid job payloads sent straight to the queue. The rule every
 * case checks: never a crash, never a lost row (rows read = accepted + rejected, and every
 * rejected row is in rejected.csv with its codes and a reason), or else a clear InputError.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import Papa from 'papaparse';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { dayFromYmd, formatDay } from '../../pipelines/dates.js';
import { InputError } from '../../pipelines/errors.js';
import { ingestFile, ingestStream } from '../../pipelines/ingest/ingest.js';
import { runPipeline, runValidation } from '../../pipelines/run/run.js';
import type { CanonicalRow, RejectedRow } from '../../pipelines/types.js';
import { queueOptions, redisConnection } from '../../workers/connection.js';
import { enqueueRun, waitForRun } from '../../workers/run-queue.js';
import { QUEUES } from '../../workers/queues.js';
import { startWorkers, type WorkerHost } from '../../workers/worker-host.js';
import { nastyFiles } from '../fixtures/nasty/make.mjs';
import { CLI } from '../workers/build.js';
import { cleanup, testConfig, waitFor } from '../workers/helpers.js';
import { dailyCsv } from '../workers/fixtures.js';

const run = promisify(execFile);
// these files are mostly bad on purpose: the runs go on past the rejected-share stop to count them
const config = parseConfig({ validation: { acceptRejects: true } });
const tmp = mkdtempSync(join(tmpdir(), 'nasty-'));
const files = nastyFiles({ big: true });
beforeAll(() => {
  for (const [name, data] of Object.entries(files)) writeFileSync(join(tmp, name), data);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Records of a published rejected.csv (header dropped). */
function rejectedRecords(runDir: string): string[][] {
  const parsed = Papa.parse<string[]>(readFileSync(join(runDir, 'rejected.csv'), 'utf8'), { skipEmptyLines: true });
  return parsed.data.slice(1);
}

/** Validate one corpus file into its own output directory. */
async function validate(name: string) {
  return runValidation({ input: join(tmp, name), outDir: join(tmp, `out-${name}`), config, runDate: '2024-12-31' });
}

describe('nasty files: rows read = accepted + rejected, every rejected row has codes and a reason', () => {
  // expected counts worked out by hand from make.mjs (one record per line except where noted)
  const cases: Array<[string, { read: number; accepted: number; rejected: number }]> = [
    // line 4 is a quoted line break (one record over two lines); line 6 opens a quote never closed, so
    // it and line 7 are one record (short_row, bad quantity): 5 records, line 7's text kept in rejected.csv
    ['malformed-quoting.csv', { read: 4, accepted: 3, rejected: 1 }],
    ['latin1.csv', { read: 3, accepted: 3, rejected: 0 }],
    ['utf8-bom.csv', { read: 3, accepted: 3, rejected: 0 }],
    ['utf16le-bom.csv', { read: 3, accepted: 3, rejected: 0 }],
    ['utf16be-bom.csv', { read: 3, accepted: 3, rejected: 0 }],
    // accepted: 7, " 5 " and 2.5 (its price 1e309 is not finite: kept as a missing price); the 10 others are bad_quantity
    ['numbers.csv', { read: 13, accepted: 3, rejected: 10 }],
    ['dates.csv', { read: 16, accepted: 7, rejected: 9 }],
    ['header-only.csv', { read: 0, accepted: 0, rejected: 0 }],
    ['nul-bytes.csv', { read: 3, accepted: 2, rejected: 1 }],
    // 7 fields (too many), 2 fields, 1 field: short_row each
    ['ragged.csv', { read: 4, accepted: 1, rejected: 3 }],
    ['cr-only.csv', { read: 3, accepted: 3, rejected: 0 }],
    ['formulas.csv', { read: 7, accepted: 5, rejected: 2 }],
    // the 10 MB line is past validation.maxLineChars: rejected as line_too_long, the rows around it read
    ['big-field.csv', { read: 3, accepted: 2, rejected: 1 }],
    // the unclosed quote of line 2 is cut at its line break once the record passes 1 MB: every line is a record
    ['big-unclosed.csv', { read: 100_001, accepted: 100_001, rejected: 0 }],
  ];
  for (const [name, rows] of cases) {
    it(name, async () => {
      const res = await validate(name);
      expect(res.summary.rows).toEqual(rows);
      const rec = rejectedRecords(res.runDir);
      expect(rec).toHaveLength(rows.rejected);
      for (const r of rec) {
        expect(Number(r[0])).toBeGreaterThan(1); // a source line, after the header
        expect(r[1]).toMatch(/^[a-z_]+(;[a-z_]+)*$/);
        expect(r[2].length).toBeGreaterThan(5);
      }
    }, 120_000);
  }

  it('the same names decode alike in Latin-1, UTF-8 with BOM and UTF-16 LE/BE', async () => {
    const skus = async (name: string) => (await ingestFile(join(tmp, name), { config, runDay: dayFromYmd(2024, 12, 31) })).series.map((s) => s.sku);
    const expected = ['A', 'CAFÉ'];
    for (const name of ['latin1.csv', 'utf8-bom.csv', 'utf16le-bom.csv', 'utf16be-bom.csv']) expect(await skus(name)).toEqual(expected);
  });

  it('Latin-1 skus that differ only in an accent stay two series, also when the first accent comes after 1 MB of ASCII', async () => {
    const ascii = Array.from({ length: 45_000 }, (_, i) => `${formatDay(dayFromYmd(2024, 1, 1) + (i % 300))},S${Math.floor(i / 300)},PAD,1,1.0\n`).join('');
    const text = 'date,store_id,item_id,units,sell_price\n' + ascii + '2024-01-01,S1,CAFÉ,1,1\n2024-01-01,S1,CAFÈ,2,1\n';
    expect(ascii.length).toBeGreaterThan(1 << 20);
    const path = join(tmp, 'latin1-late.csv');
    writeFileSync(path, Buffer.from(text, 'latin1'));
    const res = await ingestFile(path, { config, runDay: dayFromYmd(2024, 12, 31) });
    expect(res.series.filter((s) => s.store === 'S1' && s.sku.startsWith('CAF')).map((s) => s.sku)).toEqual(['CAFÈ', 'CAFÉ']);
    expect(res.rows).toEqual({ read: 45_002, accepted: 45_002, rejected: 0 });
  });

  it('dates: an offset keeps its local date, Z its UTC date; unreadable and impossible dates are rejected with the text quoted', async () => {
    const accepted: CanonicalRow[] = [];
    const rejected: RejectedRow[] = [];
    await ingestFile(join(tmp, 'dates.csv'), { config, runDay: dayFromYmd(2024, 12, 31), onAccept: (r) => accepted.push(r), onReject: (r) => rejected.push(r) });
    const day = Object.fromEntries(accepted.map((r) => [r.sku, formatDay(r.day)]));
    expect(day).toEqual({
      'SKU-A': '2024-01-05',
      'SKU-B': '2024-01-05', // 23:30 at UTC-5: a sale of the 5th where it was made
      'SKU-C': '2024-01-05', // 01:00 at UTC+9: likewise
      'SKU-D': '2024-01-05',
      'SKU-E': '2024-01-05',
      'SKU-F': '2024-01-05',
      'SKU-G': '2024-01-05',
    });
    for (const r of rejected) {
      expect(r.codes[0]).toMatch(/^(bad_date|missing_date)$/);
      if (r.codes[0] === 'bad_date') expect(r.reason).toContain(`"${r.raw[0]}"`);
    }
  });

  it('number spellings other than plain decimals are never guessed: each is bad_quantity, quoted in the reason', async () => {
    const rejected: RejectedRow[] = [];
    const accepted: CanonicalRow[] = [];
    await ingestFile(join(tmp, 'numbers.csv'), { config, runDay: dayFromYmd(2024, 12, 31), onAccept: (r) => accepted.push(r), onReject: (r) => rejected.push(r) });
    expect(rejected.map((r) => r.raw[3])).toEqual(['1,234.5', '1.234,5', '1e309', '-1e309', 'NaN', 'Infinity', '0x10', '1_000', '', '\u0663']);
    for (const r of rejected) expect(r.codes).toEqual(['bad_quantity']);
    expect(accepted.map((r) => r.quantity)).toEqual([7, 5, 2.5]);
    for (const r of accepted) expect(Number.isFinite(r.price) || Number.isNaN(r.price)).toBe(true);
    expect(accepted[2].price).toBeNaN(); // 1e309 is no price
  });

  it('a 10 MB field goes all the way through forecast run: its line rejected as line_too_long, 256 characters of it kept, no lost row', async () => {
    const res = await runPipeline({ input: join(tmp, 'big-field.csv'), outDir: join(tmp, 'out-big-run'), config, runDate: '2024-12-31' });
    expect(res.summary.rows).toEqual({ read: 3, accepted: 2, rejected: 1 });
    expect(res.summary.issues).toMatchObject({ line_too_long: 1 });
    expect(res.summary.forecast!.series).toBe(1);
    const rej = rejectedRecords(res.runDir);
    expect(rej.map((r) => [r[0], r[1]])).toEqual([['3', 'line_too_long']]);
    expect(rej[0].slice(3).join('').length).toBeLessThanOrEqual(256);
    // and with a limit raised past it, the 10 MB field is read as before
    const big = await runPipeline({ input: join(tmp, 'big-field.csv'), outDir: join(tmp, 'out-big-run2'), config: parseConfig({ validation: { maxLineChars: 16 << 20 } }), runDate: '2024-12-31' });
    expect(big.summary.rows).toEqual({ read: 3, accepted: 3, rejected: 0 });
    expect(big.summary.forecast!.series).toBe(2);
  }, 120_000);

  const errors: Array<[string, RegExp]> = [
    ['empty.csv', /input file is empty/],
    ['blank-lines.csv', /empty: no header line/],
    ['binary.bin', /is not text \(it holds control bytes a CSV never has\), nor an Excel workbook/],
    ['no-recognised-columns.csv', /no date, sku, quantity column found in the header "foo,bar,baz"/],
    ['corrupt.csv.gz', /gzip input is corrupt or truncated/],
    ['truncated.csv.gz', /gzip input is corrupt or truncated: unexpected end of file/],
    ['trailer-cut.csv.gz', /gzip input is corrupt or truncated/],
  ];
  for (const [name, message] of errors) {
    it(`${name} is an InputError with a clear message`, async () => {
      const e = await validate(name).then(
        () => null,
        (err: unknown) => err,
      );
      expect(e).toBeInstanceOf(InputError);
      expect((e as Error).message).toMatch(message);
    });
  }

  it('the CLI exits 3 with the message on unusable input, and 0 on a nasty but readable file', async () => {
    const cli = (name: string) =>
      run(process.execPath, [CLI, 'validate', '--input', join(tmp, name), '--out', join(tmp, `cli-${name}`), '--run-date', '2024-12-31']).then(
        (r) => ({ code: 0, stderr: r.stderr }),
        (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
      );
    const bin = await cli('binary.bin');
    expect(bin.code).toBe(3);
    expect(bin.stderr).toMatch(/is not text/);
    expect(bin.stderr).not.toMatch(/unexpected error|at .*\.js:\d+/);
    expect((await cli('malformed-quoting.csv')).code).toBe(0);
  }, 60_000);
});

/** Random fields drawn mostly from troublesome spellings. */
const nastyField = fc.oneof(
  fc.constantFrom('', '"', '""', '"a,b"', 'a"b', '\n', '\r\n', '\r', ',', ';', '\t', '\uFEFF', '\u0000', '\uFFFD', 'é', '😀', '1,234.5', '1.234,5', '1e309', '-3', '2024-01-05', '05/01/2024', '2024-01-05T23:30:00-05:00', '=1+1', 'NaN'),
  fc.string({ maxLength: 12 }),
  fc.integer({ min: -5, max: 50 }).map(String),
  fc.integer({ min: 0, max: 400 }).map((d) => formatDay(dayFromYmd(2024, 1, 1) + d)),
);
const encodings = ['utf8', 'utf8-bom', 'utf16le', 'latin1'] as const;
function encode(text: string, enc: (typeof encodings)[number]): Buffer {
  if (enc === 'utf8') return Buffer.from(text);
  if (enc === 'utf8-bom') return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
  if (enc === 'utf16le') return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  return Buffer.from(text, 'latin1');
}

describe('random CSV in random encodings (property)', () => {
  it('never crashes, never loses a row: read = accepted + rejected, one onReject per rejected row, each with codes and a reason', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(nastyField, { minLength: 0, maxLength: 7 }), { maxLength: 25 }),
        fc.constantFrom(...encodings),
        fc.constantFrom('\n', '\r\n'),
        fc.integer({ min: 1, max: 64 }),
        async (rows, enc, eol, chunk) => {
          const text = 'date,store,sku,qty,price\n' + rows.map((r) => r.join(',')).join(eol) + eol;
          const bytes = encode(text, enc);
          const pieces: Buffer[] = [];
          for (let i = 0; i < bytes.length; i += chunk) pieces.push(bytes.subarray(i, i + chunk));
          const rejected: RejectedRow[] = [];
          let accepted = 0;
          try {
            const res = await ingestStream(pieces, {
              config,
              runDay: dayFromYmd(2025, 6, 30),
              onReject: (r) => rejected.push(r),
              onAccept: (r) => {
                accepted++;
                if (!Number.isFinite(r.quantity) || !Number.isInteger(r.day)) throw new Error(`accepted a bad row ${JSON.stringify(r)}`);
              },
            });
            expect(res.rows.read).toBe(res.rows.accepted + res.rows.rejected);
            expect(res.rows.accepted).toBe(accepted);
            expect(rejected).toHaveLength(res.rows.rejected);
            for (const r of rejected) {
              expect(r.codes.length).toBeGreaterThan(0);
              expect(r.reason.length).toBeGreaterThan(0);
            }
            for (const s of res.series) for (const v of s.demand) expect(v >= 0 || Number.isNaN(v)).toBe(true);
          } catch (e) {
            // only a clear input error is allowed (e.g. latin1 cannot spell the header it was given)
            expect(e).toBeInstanceOf(InputError);
          }
        },
      ),
      { numRuns: 150, seed: 20241128 },
    );
  });

  it('well-formed random daily rows: every data line becomes exactly one record', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 60 }), fc.constantFrom('S1', 'S2'), fc.constantFrom('A', 'B', 'C'), fc.integer({ min: -2, max: 9 })), { minLength: 1, maxLength: 60 }),
        async (rows) => {
          const text = 'date,store,sku,qty\n' + rows.map(([d, s, k, q]) => `${formatDay(dayFromYmd(2024, 1, 1) + d)},${s},${k},${q}`).join('\n') + '\n';
          const res = await ingestStream([text], { config, runDay: dayFromYmd(2025, 1, 1) });
          expect(res.rows.read).toBe(rows.length);
          expect(res.rows.accepted + res.rows.rejected).toBe(rows.length);
        },
      ),
      { numRuns: 100, seed: 7 },
    );
  });
});

describe('invalid job payloads sent straight to the queue (bypassing enqueue)', () => {
  let cfg: Config;
  let host: WorkerHost | null = null;
  beforeAll(async () => {
    cfg = testConfig({ queue: { attempts: 3 } });
    host = await startWorkers(cfg, { name: 'payload-test' });
  }, 60_000);
  afterAll(async () => {
    await host?.close(true);
    await cleanup(cfg);
  });

  it('each fails at once with the zod message; the worker keeps running and then completes a valid run', async () => {
    const conn = redisConnection(cfg.queue.redisUrl, 'producer');
    const queues = { run: new Queue(QUEUES.run, queueOptions(cfg, conn)), train: new Queue(QUEUES.train, queueOptions(cfg, conn)), publish: new Queue(QUEUES.publish, queueOptions(cfg, conn)) };
    try {
      const bad: Array<[keyof typeof queues, unknown, RegExp]> = [
        ['run', { mode: 'input' }, /invalid run payload: input: /],
        ['run', { mode: 'bogus', input: 'x.csv' }, /invalid run payload: mode: /],
        ['run', { mode: 'input', input: '../../etc/passwd' }, /must not contain "\.\." segments/],
        ['run', { mode: 'input', input: '/etc/passwd' }, /input: must be a path relative to the data directory/],
        ['run', { mode: 'input', input: 'x.csv', shell: 'rm -rf /' }, /invalid run payload: .*[Uu]nrecognized key/],
        ['run', { mode: 'input', input: 'x.csv', runDate: '2024-02-30' }, /runDate: not a calendar date/],
        ['run', { mode: 'input', input: 'x.csv', horizon: 1e9 }, /horizon: /],
        ['run', 'just a string', /invalid run payload: \(root\)/],
        ['train', { runId: '../x', batch: 0, from: 0, to: 1 }, /invalid train-batch payload: runId: must be a run id/],
        ['train', { runId: 'r', work: '../x', batch: 0, from: 0, to: 1 }, /invalid train-batch payload: .*[Uu]nrecognized key/],
        ['train', { runId: 'r', batch: 0, from: 5, to: 1 }, /to must be greater than from/],
        ['publish', { runId: 'r' }, /invalid publish payload: batches: /],
        ['publish', { runId: 'r', work: 'history', staging: 'nope', batches: 0, series: 0, startedAt: 't' }, /invalid publish payload: .*[Uu]nrecognized key/],
      ];
      const jobs: Array<{ id?: string }> = [];
      for (const [q, data] of bad) jobs.push(await queues[q].add(q === 'train' ? 'train-batch' : q, data as object, { attempts: 3, backoff: { type: 'fixed', delay: 10 } }));
      for (let i = 0; i < bad.length; i++) {
        const [q, , message] = bad[i];
        const job = await waitFor(async () => {
          // state first, then the job: a job read before its state turned failed would be stale
          if ((await queues[q].getJobState(jobs[i].id!)) !== 'failed') return undefined;
          return queues[q].getJob(jobs[i].id!);
        }, 30_000, `job ${i} to fail`);
        expect(job.attemptsMade, `job ${i}`).toBe(1); // no retry: bad data
        expect(job.failedReason, `job ${i}`).toMatch(message);
      }
      expect(host!.workers.every((w) => w.isRunning())).toBe(true);
      // the same worker still serves a valid run
      mkdirSync(join(cfg.dataDir, 'exports'), { recursive: true });
      writeFileSync(join(cfg.dataDir, 'exports', 'ok.csv'), dailyCsv({ stores: 1, skus: 3, days: 90 }));
      const { runId } = await enqueueRun(queues.run, cfg, { mode: 'input', input: 'exports/ok.csv', runDate: '2024-04-30' });
      const done = await waitForRun(cfg, runId, { connection: redisConnection(cfg.queue.redisUrl, 'worker'), timeoutMs: 60_000 });
      expect(readFileSync(join(cfg.dataDir, done.runDir, 'run.json'), 'utf8')).toContain(runId);
    } finally {
      await Promise.all(Object.values(queues).map((q) => q.close()));
    }
  }, 120_000);
});
