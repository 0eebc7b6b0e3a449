/**
 * The New run form's request (formPayload) and page (renderNewRunPage): blanks stay out of the
 * request, only listed files can be named, what the file holds is shown, input is escaped.
 */
import { describe, expect, it } from 'vitest';
import { FormError, formPayload } from '../../dashboard/new-run.js';
import { renderNewRunPage, type NewRunView } from '../../dashboard/new-run-page.js';
import { runPayloadSchema } from '../../workers/queues.js';

const files = { incoming: ['sales-20261205-033612-a1b2c3.csv'], side: ['stock-20261205-033612-d4e5f6.csv'] };
const input = 'incoming/sales-20261205-033612-a1b2c3.csv';

describe('formPayload', () => {
  it('leaves blanks out: no run date, horizon, period or profile unless given', () => {
    const p = formPayload({ input, runDate: '', horizon: ' ', frequency: '', profile: '', calendar: '', stock: '' }, files);
    expect(p).toEqual({ mode: 'input', input });
    expect(runPayloadSchema.safeParse(p).success).toBe(true);
  });

  it('passes what was chosen, as the run payload schema takes it', () => {
    const p = formPayload({ input, runDate: '2016-03-28', horizon: '14', frequency: 'week', profile: 'shopify', stock: 'incoming/side/stock-20261205-033612-d4e5f6.csv' }, files);
    expect(p).toEqual({ mode: 'input', input, runDate: '2016-03-28', horizon: 14, frequency: 'week', profile: 'shopify', stock: 'incoming/side/stock-20261205-033612-d4e5f6.csv' });
    expect(runPayloadSchema.safeParse(p).success).toBe(true);
  });

  it('refuses a file that is not listed, whatever path it names', () => {
    expect(() => formPayload({ input: 'incoming/../config.json' }, files)).toThrow(FormError);
    expect(() => formPayload({ input: 'samples/sales.csv' }, files)).toThrow(/choose a sales export of incoming\//);
    expect(() => formPayload({ input, stock: 'incoming/sales-20261205-033612-a1b2c3.csv' }, files)).toThrow(/stock: choose a file of incoming\/side\//);
    expect(() => formPayload({}, files)).toThrow(FormError);
  });

  it('refuses a horizon that is not a whole number', () => {
    expect(() => formPayload({ input, horizon: '2.5' }, files)).toThrow(/horizon/);
    expect(() => formPayload({ input, horizon: 'abc' }, files)).toThrow(/horizon/);
  });
});

const base: NewRunView = { incoming: files.incoming, side: files.side, maxUploadBytes: 200 * 1024 * 1024, settings: { frequency: 'auto', profile: 'auto' }, profiles: ['shopify'] };

describe('renderNewRunPage', () => {
  it('step 1: an upload form (multipart, the limit said) and the files of incoming/ to pick', () => {
    const html = renderNewRunPage(base);
    expect(html).toContain('action="/new-run/upload" enctype="multipart/form-data"');
    expect(html).toContain('at most 200 MB');
    expect(html).toContain(`<option value="${input}">sales-20261205-033612-a1b2c3.csv</option>`);
    expect(html).not.toContain('<script');
  });

  it('step 2: what the file holds, the blank run date explained with the day after the data, defaults named', () => {
    const html = renderNewRunPage({
      ...base,
      chosen: { input, side: { stock: 'incoming/side/stock-20261205-033612-d4e5f6.csv' } },
      preview: {
        firstDate: '2016-01-04',
        lastDate: '2016-03-27',
        dayAfter: '2016-03-28',
        rows: { read: 1000, accepted: 990, rejected: 10 },
        series: 6,
        frequency: 'week',
        frequencyReason: 'Weekly periods, detected',
        profile: { name: null, title: null, by: 'none' },
        kind: 'daily',
      },
    });
    expect(html).toContain('<span data-k="last-date">2016-03-27</span>');
    expect(html).toContain('<strong data-k="day-after">2016-03-28</strong>');
    expect(html).toContain('blank: 13 weeks');
    expect(html).toContain('as detected: week');
    expect(html).toContain('<option value="incoming/side/stock-20261205-033612-d4e5f6.csv" selected>');
    expect(html).toContain(`<input type="hidden" name="input" value="${input}">`);
  });

  it('escapes an error and a file name', () => {
    const html = renderNewRunPage({ ...base, incoming: ['<b>.csv'], error: '<img src=x>' });
    expect(html).not.toContain('<img src=x>');
    expect(html).toContain('&lt;img src=x&gt;');
    expect(html).toContain('&lt;b&gt;.csv');
  });
});
