/**
 * The canonical CSV a sales history is exported as (pipelines/history/incoming.ts `exportHistoryCsv`):
 * `date,store,sku,transaction_id,quantity,price`, the store column only when some row has a
 * store, the transaction column only when some row has a transaction id, the price column only
 * when some row has a price (an export without prices reads as `forecast run` reads one). Returned units are a
 * line of their own with a negative quantity: under their cancellation transaction id for
 * transaction lines; for daily totals (no transaction id) only on days without sales, since a
 * daily export has one line per store, sku and day.
 */
import { csvLine, headerLine, numberCell, textCell } from '../io/csv-format.js';
import { formatDay } from '../dates.js';
import type { HistoryRow } from './history-store.js';
import type { Config } from '../../config/schema.js';

/** Which optional columns a history export has. */
export interface HistoryLayout {
  readonly store: boolean;
  readonly txn: boolean;
  /** The price column; absent (a snapshot of an earlier version) means present. */
  readonly price?: boolean;
}

/**
 * The canonical CSV of history rows (see {@link exportHistoryCsv}): its header line, and the
 * line(s) of one row. The nightly snapshot (pipelines/history/history-snapshot.ts) validates the rows
 * of changed cells through the same lines, so it stays equal to a full export read back.
 */
export function historyCsv(layout: HistoryLayout): { layout: HistoryLayout; header: string; lines(r: HistoryRow): { text: string; count: number } } {
  const priced = layout.price !== false;
  const cols = ['date', ...(layout.store ? ['store'] : []), 'sku', ...(layout.txn ? ['transaction_id'] : []), 'quantity', ...(priced ? ['price'] : [])];
  let lastDay = NaN;
  let lastDate = '';
  return {
    layout,
    header: headerLine(cols),
    lines(r) {
      if (r.day !== lastDay) {
        lastDay = r.day;
        lastDate = formatDay(r.day);
      }
      const price = Number.isFinite(r.price) ? numberCell(r.price, 6) : '';
      let text = '';
      let count = 0;
      const emit = (q: number) => {
        const cells = [lastDate];
        if (layout.store) cells.push(textCell(r.store));
        cells.push(textCell(r.sku));
        if (layout.txn) cells.push(textCell(r.txn));
        cells.push(numberCell(q, 6));
        if (priced) cells.push(price);
        text += csvLine(cells);
        count++;
      };
      if (r.quantity > 0 || r.returns === 0) emit(r.quantity);
      if (r.returns > 0 && (r.txn !== '' || r.quantity === 0)) emit(-r.returns);
      return { text, count };
    },
  };
}

/**
 * The settings a history export is read back with: the settings given, but for the rules that
 * judged the rows at intake (each incoming export under its own profile): the history holds
 * accepted rows only, so its columns are its own, a negative quantity is a return, no code is a
 * non-product and a repeated line is kept.
 */
export function historyReadConfig(config: Config): Config {
  return {
    ...config,
    profile: 'none',
    columns: {},
    validation: { ...config.validation, rejectUnmarkedNegatives: false, nonProductCodes: [], nonProductPatterns: [], duplicateLines: 'keep' },
  };
}
