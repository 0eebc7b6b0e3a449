/**
 * Export profiles (pipelines/ingest/profiles/): chosen by name or from the header, their rules
 * under the settings given, and the fixtures of each export read to hand-counted series.
 */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../config/load.js';
import { dayFromYmd, formatDay, parseIsoDay } from '../../../pipelines/dates.js';
import { ConfigError } from '../../../pipelines/errors.js';
import { ingestFile, ingestStream } from '../../../pipelines/ingest/ingest.js';
import { chooseProfile, detectProfiles, PROFILES, profileColumns } from '../../../pipelines/ingest/profiles/catalogue.js';
import { GENERAL_RULES, resolveRules } from '../../../pipelines/ingest/profiles/export-profile.js';
import { normaliseColumnName } from '../../../pipelines/ingest/columns.js';
import type { SeriesData } from '../../../pipelines/types.js';

const EXPORTS = fileURLToPath(new URL('../../fixtures/exports/', import.meta.url));
const SHOPIFY_HEADER = 'Name,Email,Financial Status,Paid at,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,Location'.split(',');
const RETAIL_HEADER = ['InvoiceNo', 'StockCode', 'Description', 'Quantity', 'InvoiceDate', 'UnitPrice', 'CustomerID', 'Country'];

/** Days and demand of a series, from its first day. */
function days(s: SeriesData): [string, number][] {
  return Array.from(s.demand, (d, i) => [formatDay(s.start + i), d] as [string, number]).filter((_, i) => s.observed[i]);
}

describe('choosing a profile', () => {
  it('from the header when exactly one signature is there; by name; none', () => {
    expect(chooseProfile(SHOPIFY_HEADER, 'auto')).toMatchObject({ profile: { name: 'shopify' }, by: 'header' });
    expect(chooseProfile(RETAIL_HEADER, 'auto')).toMatchObject({ profile: { name: 'online-retail' }, by: 'header' });
    expect(chooseProfile(['date', 'sku', 'qty'], 'auto')).toEqual({ profile: null, by: 'none' });
    expect(chooseProfile(RETAIL_HEADER, 'none')).toEqual({ profile: null, by: 'none' });
    expect(chooseProfile(['date', 'sku', 'qty'], 'square')).toMatchObject({ profile: { name: 'square' }, by: 'setting' });
    expect(() => chooseProfile(['date'], 'shopfy')).toThrow(ConfigError);
    expect(() => chooseProfile(['date'], 'shopfy')).toThrow(/expected one of online-retail, shopify, square, woocommerce, lightspeed, auto or none/);
  });

  it('no two signatures fit one header: each profile names columns its signature requires', () => {
    for (const p of PROFILES) {
      // a header made of exactly the signature selects that profile and only it
      expect(detectProfiles(p.signature).map((x) => x.name)).toEqual([p.name]);
      // the profile's columns name fields of the export: the first candidate of date, sku and quantity exist
      for (const f of ['date', 'sku', 'quantity'] as const) expect(p.columns[f]?.length).toBeGreaterThan(0);
    }
  });

  it("maps the profile's columns present in the header; settings' columns win", () => {
    const shopify = PROFILES.find((p) => p.name === 'shopify')!;
    expect(profileColumns(SHOPIFY_HEADER, shopify, {})).toMatchObject({ date: 'Created at', sku: 'Lineitem sku', transaction: 'Name' });
    expect(profileColumns(SHOPIFY_HEADER, shopify, { sku: 'Lineitem name' }).sku).toBe('Lineitem name');
    // a column of the profile the export lacks is left to detection
    expect(profileColumns(SHOPIFY_HEADER.filter((h) => h !== 'Location'), shopify, {}).store).toBeUndefined();
    expect(normaliseColumnName('Lineitem sku')).toBe('lineitemsku');
  });
});

describe('rules: the settings given, else the profile, else the general defaults', () => {
  it('general defaults hold no pattern and no return marker', () => {
    expect(resolveRules(parseConfig({}).validation, null)).toEqual(GENERAL_RULES);
    expect(GENERAL_RULES.nonProductPatterns).toEqual([]);
    expect(GENERAL_RULES.cancellationPattern).toBeNull();
  });

  it('a setting overrides the profile field by field', () => {
    const retail = PROFILES.find((p) => p.name === 'online-retail')!;
    const r = resolveRules(parseConfig({ validation: { duplicateLines: 'flag' } }).validation, retail);
    expect(r.duplicateLines).toBe('flag');
    expect(r.cancellationPattern).toBe('^C');
    expect(resolveRules(parseConfig({}).validation, PROFILES.find((p) => p.name === 'shopify')!).duplicateLines).toBe('keep');
  });
});

describe('the exports, read', () => {
  const config = parseConfig({});

  it('Shopify: each order on the day it was made where it was made (offset), the repeated line kept', async () => {
    const res = await ingestFile(join(EXPORTS, 'shopify-orders.csv'), { config, runDay: parseIsoDay('2026-12-02') });
    expect(res.profile.name).toBe('shopify');
    const by = Object.fromEntries(res.series.map((s) => [s.sku, days(s)]));
    // 21:30 and 23:59 at -0500 are 02:30 and 04:59 UTC on 12-01: they count on 11-30
    expect(by['MUG-1']).toEqual([['2026-11-30', 1], ['2026-12-01', 1]]);
    expect(by['PIN-1']).toEqual([['2026-11-30', 2]]);
    expect(by['TEA-1']).toEqual([['2026-11-30', 2]]);
    expect(res.series.every((s) => s.store === 'Main St')).toBe(true);
  });

  it('Square: a refund line is a return; the two identical Latte lines are two sales', async () => {
    const res = await ingestFile(join(EXPORTS, 'square-items.csv'), { config, runDay: parseIsoDay('2026-11-30') });
    const latte = res.series.find((s) => s.sku === 'Latte')!;
    expect(days(latte)).toEqual([['2026-11-28', 2], ['2026-11-29', 3]]);
    expect(Array.from(latte.returns)).toEqual([0, 1]);
  });

  it('German: Datum;Artikel;Menge;Filiale;Preis with D.M.YYYY dates and decimal commas', async () => {
    const res = await ingestFile(join(EXPORTS, 'german.csv'), { config, runDay: parseIsoDay('2026-11-30') });
    expect(res.series.map((s) => [s.store, s.sku, days(s), s.price[0]])).toEqual([
      ['Berlin', 'Brezel', [['2026-11-02', 12], ['2026-11-03', 9]], 0.9],
      ['Berlin', 'Kaffee', [['2026-11-02', 5]], 2.5],
      ['München', 'Brezel', [['2026-11-03', 4]], 0.95],
    ]);
  });

  it('week labels: each on its Monday, and the file says its dates were weeks', async () => {
    const res = await ingestFile(join(EXPORTS, 'weekly-labels.csv'), { config, runDay: parseIsoDay('2016-12-31') });
    expect(res.dateLabels).toEqual({ kind: 'week', dates: 0, weeks: 4, months: 0 });
    expect(days(res.series[0])).toEqual([['2016-02-15', 14], ['2016-02-22', 21], ['2016-02-29', 7]]);
    const months = await ingestStream(['month,sku,units\nFeb 2016,A,30\n2016-03,A,31\n'], { config, runDay: dayFromYmd(2016, 12, 31) });
    expect(months.dateLabels.kind).toBe('month');
    expect(days(months.series[0]).filter(([, d]) => d > 0)).toEqual([['2016-02-01', 30], ['2016-03-01', 31]]);
    const mixed = await ingestStream(['period,sku,units\n2016-02,A,30\n2016-03-07,A,31\n'], { config, runDay: dayFromYmd(2016, 12, 31) });
    expect(mixed.dateLabels).toEqual({ kind: 'mixed', dates: 1, weeks: 0, months: 1 });
  });
});
