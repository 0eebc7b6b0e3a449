/**
 * Generate a large transaction-lines export by tiling the Online Retail file, for the ingest
 * benchmark (what exact duplicate-line detection costs as the lines grow).
 *
 *   node dist/bench/gen-transactions.js [--copies 10] [--data ../shared/data] [--out bench/out/transactions-x10.csv]
 *
 * Copy k (k = 0, 1, ...) of every line has its invoice number raised by k × 1,000,000 (`536365`
 * -> `1536365`; a cancellation `C536379` -> `C1536379`, still a cancellation), so the copies are
 * distinct lines: the duplicate-line set holds `copies` times as many lines, while the days and
 * the skus, hence the series and their arrays, stay those of the original. Everything else
 * (defects included: exact duplicates within a copy, zero prices, non-product codes, ...) is
 * repeated as it is, so each copy is rejected and flagged like the original. Uncompressed, under
 * bench/out/ (git-ignored).
 */
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';

function flag(argv: string[], name: string, def: string): string {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : def;
}

function main(argv: string[]): number {
  const copies = Number(flag(argv, '--copies', '10'));
  if (!Number.isInteger(copies) || copies < 1 || copies > 999) {
    process.stderr.write(`gen-transactions needs --copies as a whole number from 1 to 999, got ${flag(argv, '--copies', '')}\n`);
    return 2;
  }
  const dataDir = flag(argv, '--data', '../shared/data');
  const out = flag(argv, '--out', `bench/out/transactions-x${copies}.csv`);
  const text = gunzipSync(readFileSync(join(dataDir, 'online-retail/transactions-2010-12-to-2011-06.csv.gz'))).toString('utf8');
  const lines = text.split('\n').filter((l) => l.length > 0);
  const header = lines[0];
  if (!/^"?InvoiceNo"?,/.test(header)) throw new Error(`gen-transactions expected the Online Retail header, got ${header.slice(0, 80)}`);
  const body = lines.slice(1);

  mkdirSync(dirname(out), { recursive: true });
  const fd = openSync(out, 'w');
  let buf = header + '\n';
  let written = 0;
  for (let k = 0; k < copies; k++) {
    for (const line of body) {
      // the invoice number is the first field: "536365" or "C536379", quoted or not
      const m = k === 0 ? null : /^("?)(C?)(\d+)("?)(.*)$/.exec(line);
      buf += (m ? `${m[1]}${m[2]}${Number(m[3]) + k * 1_000_000}${m[4]}${m[5]}` : line) + '\n';
      written++;
      if (buf.length > 1 << 20) {
        writeSync(fd, buf);
        buf = '';
      }
    }
  }
  writeSync(fd, buf);
  closeSync(fd);
  process.stdout.write(`${out}: ${written} lines (${copies} copies of ${body.length}), one header\n`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
