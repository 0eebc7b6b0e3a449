import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { dayFromYmd, formatDay, parseIsoDay } from '../../pipelines/dates.js';
import { detectInjectColumns, injectDefects, mulberry32, parseDefects, splitCsvRecord } from '../../experiments/inject.js';

/** 4 series (2 stores x 2 skus) x 40 days; units = (day + store + sku) % 5, so a fifth are zero. */
function fixture(): string {
  const lines = ['"date","store_id","item_id","units"'];
  const d0 = dayFromYmd(2020, 1, 1);
  for (const store of ['S1', 'S2']) {
    for (const sku of ['FOODS_1_033', 'HOBBIES_2_001']) {
      for (let t = 0; t < 40; t++) {
        const u = (t + store.length + sku.length + (store === 'S2' ? 1 : 0)) % 5;
        lines.push(`"${formatDay(d0 + t)}","${store}","${sku}",${u}`);
      }
    }
  }
  return lines.join('\n') + '\n';
}

const PROTECT = dayFromYmd(2020, 1, 31); // the last 10 days are protected

function parse(text: string) {
  const lines = text.trimEnd().split('\n');
  return lines.slice(1).map((l) => {
    const f = splitCsvRecord(l)!;
    return { line: l, day: parseIsoDay(f[0]), store: f[1], sku: f[2], units: Number(f[3]) };
  });
}

describe('parseDefects', () => {
  it('reads name=rate pairs', () => {
    expect(parseDefects('missing=0.1, duplicates=0.05')).toEqual([
      { type: 'missing', rate: 0.1 },
      { type: 'duplicates', rate: 0.05 },
    ]);
  });
  it('names the problem', () => {
    expect(() => parseDefects('typos=0.1')).toThrow(/unknown defect "typos"/);
    expect(() => parseDefects('missing=1.5')).toThrow(/rate in \[0, 1\]/);
    expect(() => parseDefects('missing')).toThrow(/name=rate/);
    expect(() => parseDefects('')).toThrow(/at least one/);
  });
});

describe('mulberry32', () => {
  it('is deterministic and uniform-looking', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b()));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
  });
});

describe('detectInjectColumns', () => {
  it('finds M5 and UCI column names', () => {
    expect(detectInjectColumns(['date', 'store_id', 'item_id', 'dept_id', 'cat_id', 'units', 'sell_price'])).toEqual({ date: 0, sku: 2, quantity: 5, store: 1 });
    expect(detectInjectColumns(['InvoiceNo', 'StockCode', 'Description', 'Quantity', 'InvoiceDate', 'UnitPrice'])).toEqual({ date: 4, sku: 1, quantity: 3 });
    expect(() => detectInjectColumns(['a', 'b'])).toThrow(/date, sku, quantity/);
  });
});

describe('injectDefects', () => {
  const text = fixture();
  const rows = parse(text);
  const eligible = rows.filter((r) => r.day < PROTECT);
  const selling = eligible.filter((r) => r.units > 0);

  it('is deterministic for a seed and differs between seeds', () => {
    const a = injectDefects(text, [{ type: 'missing', rate: 0.2 }], { seed: 7, protectFromDay: PROTECT });
    const b = injectDefects(text, [{ type: 'missing', rate: 0.2 }], { seed: 7, protectFromDay: PROTECT });
    const c = injectDefects(text, [{ type: 'missing', rate: 0.2 }], { seed: 8, protectFromDay: PROTECT });
    expect(a.text).toBe(b.text);
    expect(a.text).not.toBe(c.text);
  });

  it('missing: deletes exactly round(rate x eligible) rows and never a protected one', () => {
    const r = injectDefects(text, [{ type: 'missing', rate: 0.1 }], { seed: 1, protectFromDay: PROTECT });
    const out = parse(r.text);
    expect(eligible.length).toBe(120);
    expect(out.length).toBe(160 - 12);
    expect(r.log[0]).toMatchObject({ type: 'missing', pool: 120, rowsAffected: 12 });
    expect(out.filter((o) => o.day >= PROTECT).length).toBe(40);
    // every output line is an input line
    const input = new Set(rows.map((x) => x.line));
    expect(out.every((o) => input.has(o.line))).toBe(true);
  });

  it('duplicates: repeats rows right after themselves', () => {
    const r = injectDefects(text, [{ type: 'duplicates', rate: 0.05 }], { seed: 3, protectFromDay: PROTECT });
    const lines = r.text.trimEnd().split('\n');
    expect(lines.length - 1).toBe(160 + 6);
    let adjacentDups = 0;
    for (let i = 2; i < lines.length; i++) if (lines[i] === lines[i - 1]) adjacentDups++;
    expect(adjacentDups).toBe(6);
  });

  it('spikes: multiplies the quantity of selling rows by 10', () => {
    const r = injectDefects(text, [{ type: 'spikes', rate: 0.1 }], { seed: 5, protectFromDay: PROTECT });
    const out = parse(r.text);
    expect(r.log[0].pool).toBe(selling.length);
    const k = Math.round(0.1 * selling.length);
    let spiked = 0;
    for (let i = 0; i < rows.length; i++) {
      if (out[i].units !== rows[i].units) {
        expect(out[i].units).toBe(rows[i].units * 10);
        expect(rows[i].units).toBeGreaterThan(0);
        expect(rows[i].day).toBeLessThan(PROTECT);
        spiked++;
      }
    }
    expect(spiked).toBe(k);
  });

  it('negatives: flips the sign of selling rows', () => {
    const r = injectDefects(text, [{ type: 'negatives', rate: 0.25 }], { seed: 5, protectFromDay: PROTECT });
    const out = parse(r.text);
    const flipped = out.filter((o, i) => o.units !== rows[i].units);
    expect(flipped.length).toBe(Math.round(0.25 * selling.length));
    expect(flipped.every((o) => o.units < 0)).toBe(true);
  });

  it('truncated: deletes the last 14 eligible days of the chosen series', () => {
    const r = injectDefects(text, [{ type: 'truncated', rate: 0.5 }], { seed: 2, protectFromDay: PROTECT, tailDays: 14 });
    expect(r.log[0]).toMatchObject({ pool: 4, seriesAffected: 2, rowsAffected: 28 });
    const out = parse(r.text);
    const lastDay = PROTECT - 1;
    const cutSeries = new Set(
      rows.filter((x) => x.day > lastDay - 14 && x.day <= lastDay && !out.some((o) => o.line === x.line)).map((x) => `${x.store}/${x.sku}`),
    );
    expect(cutSeries.size).toBe(2);
    // the protected days of every series are still there
    expect(out.filter((o) => o.day >= PROTECT).length).toBe(40);
  });

  it('miskeyed: replaces skus by one consistent adjacent-transposition typo per sku', () => {
    const r = injectDefects(text, [{ type: 'miskeyed', rate: 0.2 }], { seed: 9, protectFromDay: PROTECT });
    const out = parse(r.text);
    const typos = new Map<string, Set<string>>();
    let changed = 0;
    for (let i = 0; i < rows.length; i++) {
      if (out[i].sku === rows[i].sku) continue;
      changed++;
      const a = rows[i].sku;
      const b = out[i].sku;
      expect(b.length).toBe(a.length);
      const diff = [...a].map((ch, j) => (ch !== b[j] ? j : -1)).filter((j) => j >= 0);
      expect(diff.length).toBe(2);
      expect(diff[1]).toBe(diff[0] + 1);
      expect(a[diff[0]]).toBe(b[diff[1]]);
      (typos.get(a) ?? typos.set(a, new Set()).get(a)!).add(b);
    }
    expect(changed).toBe(Math.round(0.2 * 120));
    for (const s of typos.values()) expect(s.size).toBe(1);
  });

  it('keeps every row not picked byte for byte and loses none (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.double({ min: 0, max: 1, noNaN: true }), (seed, rate) => {
        const r = injectDefects(text, [{ type: 'duplicates', rate }, { type: 'missing', rate: rate / 2 }], { seed, protectFromDay: PROTECT });
        const added = r.log[0].rowsAffected;
        const removed = r.log[1].rowsAffected;
        expect(r.rowsIn).toBe(160);
        expect(r.rowsOut).toBe(160 + added - removed);
        expect(added).toBe(Math.round(rate * 120));
        const input = new Set(rows.map((x) => x.line));
        for (const l of r.text.trimEnd().split('\n').slice(1)) expect(input.has(l)).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it('checks its inputs', () => {
    expect(() => injectDefects('', [{ type: 'missing', rate: 0.1 }], { seed: 1 })).toThrow(/header/);
    expect(() => injectDefects(text, [{ type: 'missing', rate: 2 }], { seed: 1 })).toThrow(/rates in \[0, 1\]/);
    expect(() => injectDefects('date,sku,units\n"2020-01-01,A,1\n', [{ type: 'missing', rate: 0.1 }], { seed: 1 })).toThrow(/unbalanced quotes on line 2/);
  });
});
