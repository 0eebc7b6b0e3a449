// Rebuild the bundled sample inputs of this folder from the shared real data (see README.md).
//
//   node data/make-samples.mjs ../shared/data
//
// Deterministic: the same shared files give byte-identical samples. Plain Node, no packages.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const shared = process.argv[2];
if (!shared) {
  process.stderr.write('usage: node data/make-samples.mjs SHARED_DATA_DIR\n');
  process.exit(2);
}
const here = dirname(fileURLToPath(import.meta.url));
const lines = (file) => gunzipSync(readFileSync(join(shared, file))).toString('utf8').replace(/\r\n/g, '\n').split('\n').filter((l) => l.length > 0);
/** Split one CSV line (no quoted line breaks in these files). */
const fields = (line) => {
  const out = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (q) {
      if (c === '"' && line[i + 1] === '"') (cur += '"'), i++;
      else if (c === '"') q = false;
      else cur += c;
    } else if (c === '"') q = true;
    else if (c === ',') out.push(cur), (cur = '');
    else cur += c;
  }
  out.push(cur);
  return out;
};

// ---- M5 daily totals: 8 series, last 731 days (2014-03-28 .. 2016-03-27) --------------------
const SERIES = [
  ['CA_1', 'FOODS_1_218'], // smooth
  ['CA_1', 'FOODS_3_702'], // smooth, a 14-day zero run
  ['CA_1', 'HOBBIES_1_157'], // intermittent
  ['TX_1', 'FOODS_1_218'], // smooth
  ['TX_1', 'HOUSEHOLD_1_521'], // smooth with a 68-day zero run (stockout)
  ['TX_1', 'HOUSEHOLD_2_448'], // very intermittent, no price before its first sale
  ['WI_1', 'FOODS_3_702'], // smooth
  ['WI_1', 'HOBBIES_2_057'], // intermittent
];
const FIRST = '2014-03-28';
const sales = lines('m5-slice/sales.csv.gz');
const salesHeader = sales[0];
const keep = new Map(SERIES.map(([s, i]) => [`${s}|${i}`, []]));
for (const l of sales.slice(1)) {
  const f = fields(l);
  const k = `${f[1]}|${f[2]}`;
  if (keep.has(k) && f[0] >= FIRST) keep.get(k).push(l);
}
const out = [salesHeader];
const q = (...xs) => xs.map((x) => (typeof x === 'number' ? String(x) : `"${x}"`)).join(',');
for (const [store, item] of SERIES) {
  for (const l of keep.get(`${store}|${item}`)) {
    const f = fields(l);
    const date = f[0];
    // defect: negative quantity (a keying error) replaces the real row
    if (store === 'TX_1' && item === 'FOODS_1_218' && date === '2015-11-02') {
      out.push(l.replace(/,(\d+),([^,]*)$/, ',-4,$2'));
      continue;
    }
    // defect: spike (an extra zero typed), kept as an outlier
    if (store === 'CA_1' && item === 'FOODS_1_218' && date === '2015-08-08') {
      out.push(l.replace(/,(\d+),([^,]*)$/, ',480,$2'));
      continue;
    }
    out.push(l);
    // defect: exact duplicate line
    if (store === 'CA_1' && item === 'FOODS_1_218' && date === '2015-06-15') out.push(l);
    // defect: conflicting second daily total for the same store, sku and day
    if (store === 'WI_1' && item === 'HOBBIES_2_057' && date === '2015-12-24') out.push(q(date, store, item, f[3], f[4]) + `,${Number(f[5]) + 3},${f[6]}`);
    // defect: unparseable date (February 30)
    if (store === 'CA_1' && item === 'HOBBIES_1_157' && date === '2015-02-28') out.push(q('2015-02-30', store, item, f[3], f[4]) + `,1,${f[6]}`);
    // defect: future date (2016 typed as 2061)
    if (store === 'WI_1' && item === 'FOODS_3_702' && date === '2016-03-20') out.push(q('2061-03-20', store, item, f[3], f[4]) + `,${f[5]},${f[6]}`);
    // defect: empty sku
    if (store === 'TX_1' && item === 'HOUSEHOLD_1_521' && date === '2015-09-09') out.push(q(date, store, '', f[3], f[4]) + `,2,${f[6]}`);
  }
  // defect: non-product code (postage) in the store's export
  if (store === 'CA_1' && item === 'FOODS_3_702') out.push(q('2016-01-04', 'CA_1', 'POST', 'POSTAGE', 'POSTAGE') + ',1,18');
}
writeFileSync(join(here, 'sample-sales.csv'), out.join('\n') + '\n');

// ---- matching calendar: the same days + 28 --------------------------------------------------
const cal = lines('m5-slice/calendar.csv.gz');
writeFileSync(join(here, 'sample-calendar.csv'), [cal[0], ...cal.slice(1).filter((l) => fields(l)[0] >= FIRST)].join('\n') + '\n');

// ---- online retail transaction lines, Dec 2010 - Jan 2011 --------------------------------------
const tx = lines('online-retail/transactions-2010-12-to-2011-06.csv.gz');
const txOut = [tx[0]];
const perCode = new Map();
let unmarked = 0;
for (const l of tx.slice(1)) {
  const f = fields(l);
  if (f[4].slice(0, 10) > '2011-01-31') continue;
  const inv = Number(f[0].replace(/^C/, ''));
  const qty = Number(f[3]);
  let take = inv % 20 === 3; // whole invoices (keeps their duplicate lines and cancellations)
  if (!take && qty < 0 && !f[0].startsWith('C') && unmarked < 30) take = (unmarked++, true); // stock adjustments
  if (!take && ['AMAZONFEE', 'BANK CHARGES', 'C2', 'M', 'D', 'S'].includes(f[1])) {
    const n = perCode.get(f[1]) ?? 0;
    if (n < 5) take = (perCode.set(f[1], n + 1), true); // fees, carriage, manual, discount, samples
  }
  if (take) txOut.push(l);
}
writeFileSync(join(here, 'sample-transactions.csv'), txOut.join('\n') + '\n');
process.stdout.write(`sample-sales.csv ${out.length - 1} rows, sample-calendar.csv, sample-transactions.csv ${txOut.length - 1} lines\n`);
