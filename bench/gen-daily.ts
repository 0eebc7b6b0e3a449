/**
 * Generate a large daily-totals export by tiling the M5 slice, for the ingest benchmark.
 *
 *   node dist/bench/gen-daily.js [--rows 10000000] [--data ../shared/data] [--out bench/out/daily-10000000.csv]
 *                                [--order day|series] [--quote all|minimal]
 *
 * The 280 M5 series (1,885 days each) are repeated under new store ids (`CA_1`, then `CA_1_t1`,
 * `CA_1_t2`, ...) until there are ceil(rows / 1885) series; rows are written day by day (all
 * series of a day, then the next: how a point-of-sale export looks; `--order series` writes
 * each series in one block, as the M5 file does) and the file stops after exactly `rows` rows.
 * Columns and quoting are the M5 file's (`--quote all`: text quoted, numbers not) or no quotes
 * at all (`--quote minimal`). The output goes under bench/out/ (git-ignored).
 */
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';

const DAYS = 1885;

function flag(argv: string[], name: string, def: string): string {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : def;
}

function main(argv: string[]): number {
  const rows = Number(flag(argv, '--rows', '10000000'));
  if (!Number.isInteger(rows) || rows < 1) {
    process.stderr.write(`gen-daily needs --rows as a positive whole number, got ${flag(argv, '--rows', '')}\n`);
    return 2;
  }
  const dataDir = flag(argv, '--data', '../shared/data');
  const out = flag(argv, '--out', `bench/out/daily-${rows}.csv`);
  const order = flag(argv, '--order', 'day');
  const quoteAll = flag(argv, '--quote', 'all') === 'all';

  // the M5 slice, series-major: 280 x 1885 rows
  const text = gunzipSync(readFileSync(join(dataDir, 'm5-slice/sales.csv.gz'))).toString('utf8');
  const lines = text.split('\n');
  const dates: string[] = [];
  const keys: string[][] = []; // store, item, dept, cat
  const units: string[] = [];
  const prices: string[] = [];
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i];
    if (!l) continue;
    const f = l.replace(/"/g, '').split(',');
    if (keys.length === 0 || keys[keys.length - 1][1] !== f[2] || keys[keys.length - 1][0] !== f[1]) keys.push([f[1], f[2], f[3], f[4]]);
    if (keys.length === 1) dates.push(f[0]);
    units.push(f[5]);
    prices.push(f[6]);
  }
  const base = keys.length;
  if (dates.length !== DAYS || units.length !== base * DAYS) throw new Error(`gen-daily expected ${DAYS} days per series in the M5 slice, got ${dates.length}`);

  const series = Math.ceil(rows / DAYS);
  const q = (s: string) => (quoteAll ? `"${s}"` : s);
  const prefix: string[] = [];
  for (let k = 0; k < series; k++) {
    const [store, item, dept, cat] = keys[k % base];
    const tile = Math.floor(k / base);
    prefix.push(`${q(tile ? `${store}_t${tile}` : store)},${q(item)},${q(dept)},${q(cat)},`);
  }
  const qDates = dates.map(q);

  mkdirSync(dirname(out), { recursive: true });
  const fd = openSync(out, 'w');
  let buf = quoteAll ? '"date","store_id","item_id","dept_id","cat_id","units","sell_price"\n' : 'date,store_id,item_id,dept_id,cat_id,units,sell_price\n';
  let written = 0;
  const emit = (k: number, d: number) => {
    const src = (k % base) * DAYS + d;
    buf += `${qDates[d]},${prefix[k]}${units[src]},${prices[src]}\n`;
    written++;
    if (buf.length > 1 << 20) {
      writeSync(fd, buf);
      buf = '';
    }
  };
  if (order === 'series') {
    for (let k = 0; k < series && written < rows; k++) for (let d = 0; d < DAYS && written < rows; d++) emit(k, d);
  } else {
    for (let d = 0; d < DAYS && written < rows; d++) for (let k = 0; k < series && written < rows; k++) emit(k, d);
  }
  writeSync(fd, buf);
  closeSync(fd);
  process.stdout.write(`${out}: ${written} rows, ${series} series, ${order}-major, ${quoteAll ? 'M5 quoting' : 'no quotes'}\n`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
