/**
 * Real-data check: the dirty UCI Online Retail transaction lines (Dec 2010 - Jun 2011).
 *
 *   node dist/bench/checks/online-retail.js ../shared/data
 *
 * Every line is accounted for (read = accepted + rejected = data lines of the file, counted
 * here independently of the CSV reader), every rejected line is reported once with a line
 * number inside the file, and each known defect class is found, with the counts below.
 *
 * Expected counts: one pass of Python's csv module over the file (run once, 2026-11-28), with
 * the rules written independently of this code: an exact duplicate is a line whose field tuple
 * was seen before; a cancellation is an InvoiceNo starting with "C" and a negative Quantity;
 * an unmarked negative is a negative Quantity on any other invoice; zero price is UnitPrice == 0;
 * missing description / customer are empty Description / CustomerID; non-product codes match
 * the `online-retail` export profile's codes (case-insensitive) or patterns
 * (pipelines/ingest/profiles/online-retail.ts); a line
 * is rejected when it is a duplicate, a non-product or an unmarked negative; days with no
 * trade are the days from 2010-12-01 to 2011-06-30 with no accepted line; series are the
 * distinct stock codes of accepted lines.
 * Exits 1 when any figure differs.
 */
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { defaultConfig } from '../../config/schema.js';
import { parseIsoDay } from '../../pipelines/dates.js';
import { ingestFile } from '../../pipelines/ingest/ingest.js';
import { chooseProfile } from '../../pipelines/ingest/profiles/catalogue.js';
import { profileQuality } from '../../pipelines/prepare/quality.js';
import { reportFailures, runCheckMain } from '../check-harness.js';

const FILE = 'online-retail/transactions-2010-12-to-2011-06.csv.gz';

const EXPECTED = {
  read: 245_903,
  accepted: 241_617,
  rejected: 4_286,
  duplicate_row: 2_012,
  return: 4_494,
  negative_quantity: 758,
  zero_price: 1_478,
  missing_description: 924,
  missing_customer: 69_014,
  non_product: 1_521,
  noTradeDays: 45,
  series: 3_525,
};

/** Data lines of a gzip CSV without quoted line breaks: line breaks minus the header. */
async function countDataLines(path: string): Promise<number> {
  let n = 0;
  let last = 10;
  for await (const chunk of createReadStream(path).pipe(createGunzip())) {
    const b = chunk as Buffer;
    for (let i = 0; i < b.length; i++) if (b[i] === 10) n++;
    if (b.length) last = b[b.length - 1];
  }
  if (last !== 10) n++; // last line without a line break
  return n - 1;
}

async function main(dataDir: string | undefined): Promise<number> {
  if (!dataDir) {
    process.stderr.write('usage: node dist/bench/checks/online-retail.js SHARED_DATA_DIR\n');
    return 2;
  }
  const path = join(dataDir, FILE);
  // the export's own profile, named (the header would also select it: checked below)
  const config = { ...defaultConfig(), profile: 'online-retail' };
  const rejectedLines = new Set<number>();
  let rejectedCalls = 0;
  let badLine = 0;
  const t0 = Date.now();
  const ingest = await ingestFile(path, {
    config,
    runDay: parseIsoDay('2011-06-30'),
    onReject: (r) => {
      rejectedCalls++;
      if (rejectedLines.has(r.line) || r.line < 2 || r.line > EXPECTED.read + 1) badLine++;
      rejectedLines.add(r.line);
    },
  });
  const seconds = (Date.now() - t0) / 1000;
  const quality = profileQuality(ingest, config);
  const dataLines = await countDataLines(path);
  const c = ingest.issueCounts;

  const got: Record<string, number> = {
    read: ingest.rows.read,
    accepted: ingest.rows.accepted,
    rejected: ingest.rows.rejected,
    duplicate_row: c.duplicate_row ?? 0,
    return: c.return ?? 0,
    negative_quantity: c.negative_quantity ?? 0,
    zero_price: c.zero_price ?? 0,
    missing_description: c.missing_description ?? 0,
    missing_customer: c.missing_customer ?? 0,
    non_product: c.non_product ?? 0,
    noTradeDays: quality.batch.noTradeDays,
    series: ingest.series.length,
  };
  const failures: string[] = [];
  for (const [k, v] of Object.entries(EXPECTED)) if (got[k] !== v) failures.push(`${k}: expected ${v}, got ${got[k]}`);
  if (ingest.rows.read !== ingest.rows.accepted + ingest.rows.rejected) failures.push('read != accepted + rejected');
  if (ingest.rows.read !== dataLines) failures.push(`read ${ingest.rows.read} != data lines of the file ${dataLines}`);
  if (rejectedCalls !== ingest.rows.rejected) failures.push(`onReject called ${rejectedCalls} times for ${ingest.rows.rejected} rejected rows`);
  if (badLine) failures.push(`${badLine} rejected rows with a repeated or out-of-file line number`);
  if (ingest.kind !== 'transactions') failures.push(`kind: expected transactions, got ${ingest.kind}`);
  if (ingest.profile.name !== 'online-retail') failures.push(`profile: expected online-retail, got ${ingest.profile.name}`);
  const header = ingest.header;
  const detected = chooseProfile(header, 'auto');
  if (detected.profile?.name !== 'online-retail') failures.push(`the header does not select the online-retail profile by itself (got ${detected.profile?.name ?? 'none'})`);

  process.stdout.write(
    JSON.stringify(
      {
        file: FILE,
        kind: ingest.kind,
        dataLines,
        ...got,
        issueCounts: quality.batch.issueCounts,
        noTradeDates: quality.batch.noTradeDates,
        meanScore: quality.batch.meanScore,
        seconds,
      },
      null,
      1,
    ) + '\n',
  );
  return reportFailures('online-retail', failures);
}

runCheckMain(main);
