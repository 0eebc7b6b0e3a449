/**
 * Generate an M5-scale daily-totals export (30,490 store × item series × 1,941 days, about 59
 * million rows) by tiling and perturbing the M5 slice, plus a one-day increment for the nightly
 * benchmark. Generated under bench/out/ (git-ignored), never committed.
 *
 *   node dist/bench/gen-m5-scale.js [--series 30490] [--days 1941] [--data ../shared/data]
 *                                   [--out bench/out/m5-scale] [--seed 1]
 *
 * Layout, like the M5 competition: 10 stores (the slice's CA_1 ... WI_3) × 3,049 items. Item j
 * of store s is a variant of the slice's series (s, j mod 28): variant 0 is the real series
 * unchanged; variant v > 0 (item id `<slice item>_v<v>`) multiplies every day's units by a
 * factor f = exp(U(-0.5, 0.5)) (0.61 to 1.65) with stochastic rounding (floor(u·f + U(0,1))),
 * so whole units stay whole, zeros stay zeros and low sellers lose some sales (the slice's mix
 * of smooth and intermittent demand is kept, shifted slightly towards intermittent), and its
 * price by a factor U(0.8, 1.25) rounded to cents. Deterministic for a seed (mulberry32).
 *
 * Dates: the history ends on 2016-03-26 and the increment (`increment.csv`) holds 2016-03-27,
 * so the nightly run forecasts 28 days that the slice's calendar (to 2016-04-24) covers. Days
 * inside the slice's range (2011-01-29 to 2016-03-27) take that day's values; the 57 days
 * before it take the values of the day 63 days (9 weeks, same weekday) later.
 *
 * Writes `sales.csv` (series-major, the M5 file's columns and quoting), `increment.csv` and
 * `calendar.csv` (the slice's calendar, uncompressed). Prints rows, series and the demand mix.
 */
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { formatDay, parseIsoDay } from '../pipelines/dates.js';
import { mulberry32 } from '../experiments/inject.js';

const SLICE_DAYS = 1885;
const SLICE_START = parseIsoDay('2011-01-29');
const HISTORY_END = parseIsoDay('2016-03-26');
const ITEMS_PER_STORE = 3049;

function flag(argv: string[], name: string, def: string): string {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : def;
}

interface Slice {
  /** [store, item, dept, cat] per slice series, series-major order. */
  keys: string[][];
  units: Float64Array;
  /** Price per series-day; NaN when empty. */
  prices: Float64Array;
}

function readSlice(dataDir: string): Slice {
  const text = gunzipSync(readFileSync(join(dataDir, 'm5-slice/sales.csv.gz'))).toString('utf8');
  const lines = text.split('\n');
  const keys: string[][] = [];
  const units: number[] = [];
  const prices: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i];
    if (!l) continue;
    const f = l.replace(/"/g, '').split(',');
    const last = keys[keys.length - 1];
    if (!last || last[0] !== f[1] || last[1] !== f[2]) keys.push([f[1], f[2], f[3], f[4]]);
    units.push(Number(f[5]));
    prices.push(f[6] === '' ? NaN : Number(f[6]));
  }
  if (units.length !== keys.length * SLICE_DAYS) throw new Error(`gen-m5-scale expected ${SLICE_DAYS} days per slice series, got ${units.length / keys.length}`);
  return { keys, units: Float64Array.from(units), prices: Float64Array.from(prices) };
}

/** Slice day index holding the values of generated day `day`. */
function sourceIndex(day: number): number {
  const i = day - SLICE_START;
  return i >= 0 ? i : i + 63;
}

function main(argv: string[]): number {
  const nSeries = Number(flag(argv, '--series', '30490'));
  const nDays = Number(flag(argv, '--days', '1941'));
  const dataDir = flag(argv, '--data', '../shared/data');
  const out = flag(argv, '--out', 'bench/out/m5-scale');
  const seed = Number(flag(argv, '--seed', '1'));
  if (!Number.isInteger(nSeries) || nSeries < 1 || !Number.isInteger(nDays) || nDays < 1 || nDays > 1941) {
    process.stderr.write('gen-m5-scale needs --series >= 1 and 1 <= --days <= 1941\n');
    return 2;
  }
  const slice = readSlice(dataDir);
  const stores = [...new Set(slice.keys.map((k) => k[0]))];
  const items = [...new Set(slice.keys.map((k) => k[1]))];
  const sliceIndex = new Map(slice.keys.map((k, i) => [`${k[0]}\u0000${k[1]}`, i]));
  const first = HISTORY_END - nDays + 1;
  if (sourceIndex(first) < 0) throw new Error('gen-m5-scale: --days reaches before the slice can supply');
  const dates: string[] = [];
  for (let d = first; d <= HISTORY_END + 1; d++) dates.push(`"${formatDay(d)}"`);

  mkdirSync(out, { recursive: true });
  const header = '"date","store_id","item_id","dept_id","cat_id","units","sell_price"\n';
  const fd = openSync(join(out, 'sales.csv'), 'w');
  const inc = openSync(join(out, 'increment.csv'), 'w');
  writeSync(fd, header);
  writeSync(inc, header);
  const rand = mulberry32(seed);
  let buf = '';
  let incBuf = '';
  let rows = 0;
  let zeros = 0;
  const perStore = Math.ceil(nSeries / stores.length);
  let made = 0;
  for (let s = 0; s < stores.length && made < nSeries; s++) {
    for (let j = 0; j < Math.min(perStore, ITEMS_PER_STORE) && made < nSeries; j++, made++) {
      const base = items[j % items.length];
      const variant = Math.floor(j / items.length);
      const src = sliceIndex.get(`${stores[s]}\u0000${base}`)!;
      const [store, item, dept, cat] = slice.keys[src];
      const f = variant === 0 ? 1 : Math.exp(rand() - 0.5);
      const pf = variant === 0 ? 1 : 0.8 + 0.45 * rand();
      const prefix = `"${store}","${variant === 0 ? item : `${item}_v${variant}`}","${dept}","${cat}",`;
      for (let d = 0; d <= nDays; d++) {
        const k = src * SLICE_DAYS + sourceIndex(first + d);
        const u0 = slice.units[k];
        const u = variant === 0 || u0 === 0 ? u0 : Math.floor(u0 * f + rand());
        const p0 = slice.prices[k];
        const p = Number.isNaN(p0) ? '' : variant === 0 ? String(p0) : (Math.round(p0 * pf * 100) / 100).toFixed(2);
        const line = `${dates[d]},${prefix}${u},${p}\n`;
        if (d === nDays) incBuf += line;
        else {
          buf += line;
          rows++;
          if (u === 0) zeros++;
        }
      }
      if (buf.length > 1 << 22) {
        writeSync(fd, buf);
        buf = '';
      }
    }
  }
  writeSync(fd, buf);
  writeSync(inc, incBuf);
  closeSync(fd);
  closeSync(inc);
  writeFileSync(join(out, 'calendar.csv'), gunzipSync(readFileSync(join(dataDir, 'm5-slice/calendar.csv.gz'))));
  process.stdout.write(
    `${join(out, 'sales.csv')}: ${rows} rows, ${made} series x ${nDays} days (${formatDay(first)} to ${formatDay(HISTORY_END)}), ` +
      `${((100 * zeros) / rows).toFixed(1)}% zero days; ${join(out, 'increment.csv')}: ${made} rows for ${formatDay(HISTORY_END + 1)}\n`,
  );
  return 0;
}

process.exitCode = main(process.argv.slice(2));
