/**
 * What an ingest result says the buyer must know (pipelines/run/warnings.ts): many rows
 * rejected, or many units removed or kept as repeated lines, or numbers such as `1.200` that
 * may have meant 1200 (csv/number-cell.ts), slashed dates read day first with nothing to
 * tell, rows without a store in a file with stores, or price cells that are not numbers; and the one case that stops the
 * run: more than `validation.maxRejectedShare` of the rows rejected, where the forecasts would
 * rest on the minority of the file that happened to pass (a wrong column, a wrong profile).
 */
import type { Config } from '../../config/schema.js';
import { InputError } from '../errors.js';
import type { RunWarning } from '../run/warnings.js';
import type { IngestResult } from './ingest.js';
import { REJECT_CODES } from './validate.js';
import { parseDateDay } from './csv/date-cell.js';
import { SAMPLE_RECORDS } from './ingest.js';

/** Share of units in repeated lines above which a run warns. */
export const DUPLICATE_UNITS_WARN_SHARE = 0.01;

/** Reject reasons named in a message. */
const TOP_REASONS = 3;

type Counts = Pick<IngestResult, 'rows' | 'issueCounts'>;

/**
 * The warnings of an ingest.
 * @param ingest What ingest found.
 * @param validation `config.validation` (`warnRejectedShare`).
 */
export function ingestWarnings(ingest: Counts & Pick<IngestResult, 'duplicateLines' | 'pointGroupedAsDecimal' | 'ambiguousDateOrder' | 'unreadablePrice'>, validation: Config['validation']): RunWarning[] {
  const out: RunWarning[] = [];
  const { read, rejected } = ingest.rows;
  if (read > 0 && rejected / read > validation.warnRejectedShare) {
    out.push({
      code: 'rejected_share',
      message: `${pct(rejected / read)} of the rows were rejected (${count(rejected)} of ${count(read)}), more than ${pct(validation.warnRejectedShare)} (validation.warnRejectedShare): ${topReasons(ingest)}; rejected.csv lists them with their reasons`,
    });
  }
  const dup = ingest.duplicateLines;
  if (dup.shareOfUnits > DUPLICATE_UNITS_WARN_SHARE) {
    const what =
      dup.policy === 'drop'
        ? `were dropped as repeats of earlier lines (validation.duplicateLines: drop); if the export lists the same item twice in one sale as two lines, set it to keep or flag`
        : `were kept although they repeat earlier lines exactly (validation.duplicateLines: flag); if the export was delivered twice, set it to drop`;
    out.push({ code: 'duplicate_units', message: `${count(dup.units)} units (${pct(dup.shareOfUnits)} of the units read) in ${count(dup.lines)} lines ${what}` });
  }
  const noStore = ingest.issueCounts.missing_store ?? 0;
  if (noStore > 0) {
    out.push({
      code: 'missing_store',
      message: `${count(noStore)} rows have an empty store cell although the file has a store column: they are forecast as series of no store (an empty store in forecasts.csv and orders.csv, with their own order lines), and the stores that sold them miss those sales; fill in the store in the export`,
    });
  }
  if (ingest.ambiguousDateOrder) out.push(dateOrderWarning(ingest.ambiguousDateOrder.example));
  const grouped = ingest.pointGroupedAsDecimal;
  if (grouped && grouped.cells > 0) {
    out.push({
      code: 'ambiguous_numbers',
      message:
        `${count(grouped.cells)} quantity or price cells such as "${grouped.example.slice(0, 40)}" were read with a decimal point (as ${Number(grouped.example)}), ` +
        `but in a file separated by semicolons or tabs a point may group thousands (${grouped.example.slice(0, 40)} = ${grouped.example.slice(0, 40).replace(/\./g, '')}) and the file's first rows have no decimal comma or point to tell: ` +
        `check those rows, and if the point groups thousands there, export the numbers without thousands separators`,
    });
  }
  if (ingest.unreadablePrice) out.push(unreadablePriceWarning(ingest.unreadablePrice));
  return out;
}

/** Price cells that are not numbers: their rows have no price, silently but for this. */
function unreadablePriceWarning(u: { cells: number; example: string }): RunWarning {
  return {
    code: 'unreadable_price',
    message:
      `${count(u.cells)} price cells such as "${u.example.slice(0, 40)}" are not numbers, so their rows have no price (the models' price effect and the order values of orders.csv go without it): ` +
      `write prices as plain numbers (1.99, no currency sign); a decimal comma (1,99) is read in a file separated by semicolons or tabs, not by commas`,
  };
}

/** Slashed dates read day first because none of the first records told the order (ingest.ts). */
function dateOrderWarning(example: string): RunWarning {
  const day = parseDateDay(example, 'dmy');
  const read = Number.isFinite(day) ? new Date(day * 86_400_000).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }) : example;
  return {
    code: 'ambiguous_date_order',
    message:
      `dates such as "${example.slice(0, 40)}" could be day/month or month/day, and no date in the file's first ${SAMPLE_RECORDS.toLocaleString('en-US')} rows has a part above 12 to tell: they were read day first (${read}); ` +
      `if the file writes the month first (US exports), set { "validation": { "dateOrder": "mdy" } } in the config file (--config)`,
  };
}

/**
 * Stop a run whose input is mostly rejected.
 * @param rejectedCsv where the rejected rows are listed, named in the message.
 * @throws InputError (exit 3) when more than `validation.maxRejectedShare` of the rows were
 *   rejected and `validation.acceptRejects` is off; the message names the top reasons.
 */
export function checkRejectedShare(ingest: Counts, validation: Config['validation'], rejectedCsv = 'rejected.csv'): void {
  const { read, rejected } = ingest.rows;
  if (read === 0 || validation.acceptRejects || rejected / read <= validation.maxRejectedShare) return;
  throw new InputError(
    `${pct(rejected / read)} of the rows were rejected (${count(rejected)} of ${count(read)}): ${topReasons(ingest)}. ` +
      `Forecasts from the rest would be misleading, so the run stops: check the column mapping (--columns) and the export profile (--profile), ` +
      `or give --accept-rejects (validation.acceptRejects) to go on anyway; ${rejectedCsv} lists the rejected rows`,
  );
}

/** The most frequent reject reasons, e.g. `non_product 812 rows, bad_date 40 rows`. */
function topReasons(ingest: Counts): string {
  const reasons = REJECT_CODES.map((c) => [c, ingest.issueCounts[c] ?? 0] as const)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, TOP_REASONS);
  return 'top reasons ' + reasons.map(([c, n]) => `${c} ${count(n)} rows`).join(', ');
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}
