import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCalendar, parseCalendar, regressorsFor, stateOfStore } from '../../../pipelines/forecast/calendar.js';
import { parseIsoDay } from '../../../pipelines/dates.js';
import { periodGrid } from '../../../pipelines/periods.js';
import type { SeriesData } from '../../../pipelines/types.js';

// M5 layout; 2011-02-04 is missing on purpose (a gap inside the range counts as a plain day)
const CSV = [
  '"date","weekday","event_name_1","event_type_1","event_name_2","event_type_2","snap_CA","snap_TX","snap_WI"',
  '"2011-02-01","Tuesday","","","","",1,1,0',
  '"2011-02-02","Wednesday","","","","",1,0,1',
  '"2011-02-03","Thursday","","","Easter","Cultural",0,1,1',
  '"2011-02-05","Saturday","","","","",0,0,0',
  '"2011-02-06","Sunday","SuperBowl","Sporting","","",1,1,1',
].join('\n');
const D0 = parseIsoDay('2011-02-01');

function series(store: string, price: number[], start = D0): SeriesData {
  const n = price.length;
  return {
    key: `${store}\u0000X`,
    store,
    sku: 'X',
    start,
    demand: new Float64Array(n).fill(1),
    returns: new Float64Array(n),
    price: Float64Array.from(price),
    observed: new Uint8Array(n).fill(1),
    issues: {},
    acceptedRows: n,
  };
}

const dir = mkdtempSync(join(tmpdir(), 'calendar-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parseCalendar', () => {
  it('reads events from any event_name column and SNAP flags per state', () => {
    const c = parseCalendar(CSV);
    expect(c.start).toBe(D0);
    expect(c.event).toEqual([0, 0, 1, 0, 0, 1]);
    // each event under the type in the event_type column of the same suffix
    expect(c.eventTypes).toEqual({ cultural: [0, 0, 1, 0, 0, 0], sporting: [0, 0, 0, 0, 0, 1] });
    expect(Object.keys(c.snap).sort()).toEqual(['CA', 'TX', 'WI']);
    expect(c.snap.CA).toEqual([1, 1, 0, 0, 0, 1]);
    expect(c.snap.WI).toEqual([0, 1, 1, 0, 0, 1]);
  });
  it('generalises: any snap_XX column, no event columns needed', () => {
    const c = parseCalendar('date,snap_NY\n2020-01-01,1\n2020-01-02,0\n');
    expect(c.snap.NY).toEqual([1, 0]);
    expect(c.event).toEqual([0, 0]);
  });
  it('names the problem on bad input', () => {
    expect(() => parseCalendar('day,x\n2020-01-01,1\n')).toThrow(/parseCalendar needs a "date" column/);
    expect(() => parseCalendar('date\n2020-13-01\n', 'cal.csv')).toThrow(/bad date "2020-13-01" on line 2 of cal.csv/);
    expect(() => parseCalendar('date\n')).toThrow(/at least one row/);
  });
  it('refuses a calendar with neither an event nor a SNAP column (other names: it would be used as no calendar, silently)', () => {
    expect(() => parseCalendar('date,holiday,holiday_type\n2020-01-01,New Year,national\n', 'cal.csv')).toThrow(/cal\.csv has no event or SNAP column .*event_name_1/);
    expect(() => parseCalendar('date,weekday\n2020-01-01,Wednesday\n')).toThrow(/no event or SNAP column/);
    // one event column is enough, with or without a type
    expect(parseCalendar('date,event_name\n2020-01-01,X\n').event).toEqual([1]);
  });
  it('reads a type without a name as an event of that type (a calendar of types only)', () => {
    const c = parseCalendar('date,event_type\n2020-01-01,National\n2020-01-02,\n2020-01-03,Promo\n');
    expect(c.event).toEqual([1, 0, 1]);
    expect(c.eventTypes).toEqual({ national: [1, 0, 0], promo: [0, 0, 1] });
    const both = parseCalendar('date,event_name_1,event_type_1\n2020-01-01,,Sporting\n2020-01-02,Fair,\n2020-01-03,,\n');
    expect(both.event).toEqual([1, 1, 0]);
    expect(both.eventTypes).toEqual({ sporting: [1, 0, 0], other: [0, 1, 0] });
  });
  it('loads plain and gzip files', () => {
    const plain = join(dir, 'cal.csv');
    const gz = join(dir, 'cal.csv.gz');
    writeFileSync(plain, CSV);
    writeFileSync(gz, gzipSync(CSV));
    expect(loadCalendar(plain)).toEqual(parseCalendar(CSV));
    expect(loadCalendar(gz)).toEqual(parseCalendar(CSV));
  });
});

describe('regressorsFor', () => {
  const cal = parseCalendar(CSV);
  it('aligns event, event-tomorrow, state SNAP and carried price over history + horizon', () => {
    // series from 2011-01-31 (before the calendar) for 5 days; history = 3 days up to 02-03, horizon 3
    const s = series('CA_3', [NaN, NaN, 2, NaN, 3], D0 - 1);
    const r = regressorsFor(s, cal, 3, 3, D0 + 2)!;
    expect(r.names).toEqual(['event_cultural', 'event_sporting', 'event_tomorrow', 'snap', 'price']);
    const [cultural, sporting, next, snap, price] = r.values.map((v) => Array.from(v));
    // days 02-01 .. 02-06: Easter (Cultural) on 02-03, SuperBowl (Sporting) on 02-06
    expect(cultural).toEqual([0, 0, 1, 0, 0, 0]);
    expect(sporting).toEqual([0, 0, 0, 0, 0, 1]);
    expect(next).toEqual([0, 1, 0, 0, 1, 0]);
    expect(snap).toEqual([1, 1, 0, 0, 0, 1]);
    // 02-01 has no price yet: back-filled with the first known (2); 02-03 carries 2 forward;
    // the price of 02-04 (3) is after the history end, so the horizon holds 2
    expect(price).toEqual([2, 2, 2, 2, 2, 2]);
    // with the history up to 02-04 the 3 is known and carried into the horizon
    expect(Array.from(regressorsFor(s, cal, 4, 2, D0 + 3)!.values[4])).toEqual([2, 2, 2, 3, 3, 3]);
  });
  it('reads 0 for days before and after the calendar, pre-event days at both edges included', () => {
    // days 01-30 .. 02-08 (t = 0..9): the calendar covers 02-01 (t = 2) .. 02-06 (t = 7)
    const s = series('CA_1', new Array(10).fill(1), D0 - 2);
    const r = regressorsFor(s, cal, 4, 6, D0 + 1)!;
    const [cultural, sporting, next, snap] = r.values.map((v) => Array.from(v));
    expect(cultural).toEqual([0, 0, 0, 0, 1, 0, 0, 0, 0, 0]);
    expect(sporting).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 0, 0]);
    expect(next).toEqual([0, 0, 0, 1, 0, 0, 1, 0, 0, 0]);
    expect(snap).toEqual([0, 0, 1, 1, 0, 0, 0, 1, 0, 0]);
  });
  it('counts event (any type), pre-event and SNAP days per week on a weekly grid', () => {
    // Monday weeks: 2011-01-31 (day 15005) starts week (15005 - 4) / 7 = 2143; the calendar's days
    // 02-01..02-06 fall in it: events on 02-03 and 02-06 (2, of two types), days before an event 02-02 and 02-05 (2),
    // SNAP_CA on 02-01, 02-02, 02-06 (3); the next week is outside the calendar (0)
    const grid = periodGrid('week', 0);
    const s = series('CA_1', [2, 4], 2143);
    const r = regressorsFor(s, cal, 1, 1, 2143, grid)!;
    // by period one event count, whatever the types (Easter is Cultural, SuperBowl Sporting)
    expect(r.names).toEqual(['event', 'event_tomorrow', 'snap', 'price']);
    expect(r.values.map((v) => Array.from(v))).toEqual([[2, 0], [2, 0], [3, 0], [2, 2]]);
  });
  it('uses the series end by default and the price seen before the window', () => {
    const s = series('TX_1', [5, NaN, NaN, 6, NaN]);
    const r = regressorsFor(s, cal, 3, 2)!;
    // window = days 2..4 of the series (02-03..02-05): price 5 carried, then 6, then held
    expect(Array.from(r.values[4])).toEqual([5, 6, 6, 6, 6]);
    expect(Array.from(r.values[3])).toEqual([1, 0, 0, 1, 0]); // snap_TX 02-03..02-07
  });
  it('omits SNAP for an unknown state, price for a series without prices, and returns undefined with neither', () => {
    const s = series('NY_1', [NaN, NaN, NaN]);
    expect(regressorsFor(s, cal, 3, 1)!.names).toEqual(['event_cultural', 'event_sporting', 'event_tomorrow']);
    expect(regressorsFor(s, undefined, 3, 1)).toBeUndefined();
    expect(regressorsFor(series('NY_1', [1, 1]), undefined, 2, 1)!.names).toEqual(['price']);
    expect(stateOfStore('wi_2')).toBe('WI');
    expect(stateOfStore('STORE')).toBe('STORE');
  });
  it('mixes the SNAP flags of an aggregate\'s stores by their sales shares', () => {
    // 3/4 of the sales in CA, 1/4 in TX; days 02-01..02-03: CA 1,1,0 and TX 1,0,1
    const s = { ...series('', [NaN, NaN, NaN]), storeShares: { CA_1: 0.75, TX_2: 0.25 } };
    const r = regressorsFor(s, cal, 3, 0, D0 + 2)!;
    expect(Array.from(r.values[r.names.indexOf('snap')])).toEqual([1, 0.75, 0.25]);
    // no store of a known state: no SNAP column
    expect(regressorsFor({ ...s, storeShares: { NY_1: 1 } }, cal, 3, 0, D0 + 2)!.names).not.toContain('snap');
  });
  it('uses one event column when the calendar has no types, and `other` for an event without one', () => {
    const plain = parseCalendar('date,event_name_1\n2020-01-01,X\n2020-01-02,\n');
    expect(plain.eventTypes).toEqual({ other: [1, 0] });
    expect(regressorsFor(series('S', [NaN, NaN], parseIsoDay('2020-01-01')), plain, 2, 0)!.names).toEqual(['event_other', 'event_tomorrow']);
    const none = parseCalendar('date,snap_CA\n2020-01-01,1\n');
    expect(regressorsFor(series('CA_1', [NaN], parseIsoDay('2020-01-01')), none, 1, 0)!.names).toEqual(['event', 'event_tomorrow', 'snap']);
  });
  it('checks its arguments', () => {
    const s = series('CA_1', [1, 1]);
    expect(() => regressorsFor(s, cal, 0, 1)).toThrow(/regressorsFor needs n >= 1/);
    expect(() => regressorsFor(s, cal, 3, 1)).toThrow(/before the series starts/);
  });
});
