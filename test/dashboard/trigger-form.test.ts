import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../../config/schema.js';
import { checkBoardRequest, exampleRunPayload, FIELD_HELP, runJobDataSchema } from '../../dashboard/trigger-form.js';

const dirs: string[] = [];
function dataDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'dash-form-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

type Branch = { properties: Record<string, { type?: string; const?: string; description?: string; minimum?: number; maximum?: number; pattern?: string }>; required: string[]; additionalProperties: boolean };

describe('runJobDataSchema', () => {
  const example = { mode: 'input' as const, input: 'samples/sales.csv', runDate: '2016-03-27', horizon: 28 };

  it('is the zod run payload as JSON Schema: one branch per mode, required fields, no extra fields', () => {
    const s = runJobDataSchema(example) as { $schema: string; oneOf: Branch[]; examples: unknown[]; title: string };
    expect(s.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(s.oneOf).toHaveLength(2);
    const [input, incoming] = s.oneOf;
    expect(input.properties.mode.const).toBe('input');
    expect(input.required.sort()).toEqual(['input', 'mode']);
    expect(Object.keys(input.properties).sort()).toEqual(['calendar', 'frequency', 'horizon', 'input', 'items', 'mode', 'onOrder', 'profile', 'runDate', 'stock', 'suppliers']);
    expect(input.additionalProperties).toBe(false);
    expect(input.properties.horizon).toMatchObject({ type: 'integer', minimum: 1, maximum: 366 });
    expect(input.properties.runDate.pattern).toBe('^(\\d{4}-\\d{2}-\\d{2})?$');
    expect(incoming.properties.mode.const).toBe('incoming');
    expect(incoming.required).toEqual(['mode']);
    expect(incoming.properties.input).toBeUndefined();
    expect(input.properties.input.description).toBe(FIELD_HELP.input);
    expect(s.examples).toEqual([example]);
  });

  it('refuses an example the zod schema refuses', () => {
    expect(() => runJobDataSchema({ mode: 'input', input: '../x.csv' })).toThrow(/valid example/);
  });
});

describe('exampleRunPayload', () => {
  it('pre-fills the first sample export, its calendar and the horizon, and no run date (the run takes the day after its data)', () => {
    const d = dataDir();
    mkdirSync(join(d, 'samples'));
    for (const f of ['sample-sales.csv', 'sample-calendar.csv', 'notes.txt']) writeFileSync(join(d, 'samples', f), 'x');
    const config = { ...defaultConfig(), dataDir: d, horizon: 14, schedule: { cron: '0 2 * * *', tz: 'Europe/Berlin' } };
    expect(exampleRunPayload(config)).toEqual({
      mode: 'input', input: 'samples/sample-sales.csv', calendar: 'samples/sample-calendar.csv', horizon: 14,
    });
  });

  it('falls back to files at the top of the data directory, then to a placeholder', () => {
    const d = dataDir();
    const config = { ...defaultConfig(), dataDir: d };
    // no configured horizon: none pre-filled (the run takes the default of its period)
    expect(exampleRunPayload(config)).toEqual({ mode: 'input', input: 'sales.csv' });
    writeFileSync(join(d, 'b-export.csv.gz'), 'x');
    writeFileSync(join(d, 'a-export.csv'), 'x');
    expect(exampleRunPayload(config)).toMatchObject({ input: 'a-export.csv' });
  });
});

describe('checkBoardRequest', () => {
  const add = (queueName: string, data: unknown) => ({ route: '/api/queues/:queueName/add', request: { params: { queueName }, body: { name: 'x', data, options: {} } } as never });

  it('refuses an invalid run payload with the zod messages', () => {
    const d = dataDir();
    const r = checkBoardRequest(add('run', { mode: 'input', input: '../etc/passwd', runDate: '2016-02-30', horizon: 0 }), d);
    expect(r).toMatchObject({ allow: false, status: 400, errorKey: { key: 'ERRORS.INVALID_REQUEST_BODY', options: { field: 'data' } } });
    const msg = (r as { message: string }).message;
    expect(msg).toMatch(/^invalid run payload: /);
    expect(msg).toMatch(/input: must not contain "\.\." segments/);
    expect(msg).toMatch(/runDate: not a calendar date/);
    expect(msg).toMatch(/horizon: /);
    expect(checkBoardRequest(add('run', { mode: 'weekly' }), d)).toMatchObject({ allow: false, status: 400 });
    expect(checkBoardRequest(add('run', { mode: 'incoming', extra: 1 }), d)).toMatchObject({ allow: false, status: 400 });
  });

  it('refuses files that are missing or lead out of the data directory', () => {
    const d = dataDir();
    const outside = dataDir();
    writeFileSync(join(outside, 'secret.csv'), 'x');
    symlinkSync(outside, join(d, 'link'));
    expect((checkBoardRequest(add('run', { mode: 'input', input: 'nope.csv' }), d) as { message: string }).message).toMatch(/input: file not found in the data directory: "nope\.csv"/);
    expect((checkBoardRequest(add('run', { mode: 'input', input: 'link/secret.csv' }), d) as { message: string }).message).toMatch(/symbolic link/);
    expect((checkBoardRequest(add('run', { mode: 'input', input: join(outside, 'secret.csv') }), d) as { message: string }).message).toMatch(/must be a path relative to the data directory/);
    writeFileSync(join(d, 'sales.csv'), 'x');
    expect((checkBoardRequest(add('run', { mode: 'input', input: 'sales.csv', calendar: 'cal.csv' }), d) as { message: string }).message).toMatch(/calendar: file not found/);
    // the order list's files, as forecast run --stock/--on-order/--items/--suppliers
    expect((checkBoardRequest(add('run', { mode: 'input', input: 'sales.csv', stock: 'stock.csv' }), d) as { message: string }).message).toMatch(/stock: file not found in the data directory: "stock\.csv"/);
    expect((checkBoardRequest(add('run', { mode: 'incoming', suppliers: 'link/secret.csv' }), d) as { message: string }).message).toMatch(/suppliers: .*symbolic link/);
    writeFileSync(join(d, 'stock.csv'), 'x');
    expect(checkBoardRequest(add('run', { mode: 'input', input: 'sales.csv', stock: 'stock.csv' }), d)).toBeUndefined();
  });

  it('lets a valid run request through', () => {
    const d = dataDir();
    writeFileSync(join(d, 'sales.csv'), 'x');
    expect(checkBoardRequest(add('run', { mode: 'input', input: 'sales.csv', runDate: '2016-03-27', horizon: 7 }), d)).toBeUndefined();
    expect(checkBoardRequest(add('run', { mode: 'incoming' }), d)).toBeUndefined();
    // an emptied run date field is no run date (the day after the data)
    expect(checkBoardRequest(add('run', { mode: 'input', input: 'sales.csv', runDate: '' }), d)).toBeUndefined();
  });

  it('refuses hand-made jobs on the train and publish queues', () => {
    const d = dataDir();
    for (const q of ['train', 'publish']) {
      expect(checkBoardRequest(add(q, { runId: 'r', batch: 0, from: 0, to: 1 }), d)).toMatchObject({ allow: false, status: 405 });
    }
  });

  it('refuses edits of train and publish job data, checks run job data with the run schema, and leaves other routes alone', () => {
    const d = dataDir();
    writeFileSync(join(d, 'sales.csv'), 'x');
    const edit = (queueName: string, jobData: unknown) => ({ route: '/api/queues/:queueName/:jobId/update-data', request: { params: { queueName, jobId: '1' }, body: { jobData } } as never });
    // even a payload that would pass the queue's schema: the data of these jobs is never edited
    expect(checkBoardRequest(edit('train', { runId: 'r', batch: 0, from: 0, to: 5 }), d)).toMatchObject({ allow: false, status: 405 });
    expect(checkBoardRequest(edit('publish', { runId: 'r', work: 'history', staging: 'nope', batches: 0, series: 0, startedAt: 't' }), d)).toMatchObject({ allow: false, status: 405 });
    expect(checkBoardRequest(edit('run', { mode: 'input' }), d)).toMatchObject({ allow: false, status: 400 });
    expect(checkBoardRequest(edit('run', { mode: 'input', input: 'missing.csv' }), d)).toMatchObject({ allow: false, status: 400, message: expect.stringMatching(/file not found/) });
    expect(checkBoardRequest(edit('run', { mode: 'input', input: 'sales.csv' }), d)).toBeUndefined();
    expect(checkBoardRequest(edit('other', {}), d)).toBeUndefined();
    expect(checkBoardRequest({ route: '/api/queues/:queueName/pause', request: { params: { queueName: 'run' }, body: {} } as never }, d)).toBeUndefined();
  });
});
