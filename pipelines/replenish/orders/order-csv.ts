/**
 * orders.csv and orders-by-supplier.csv as text (pipelines/io/csv-format.ts rules: RFC 4180,
 * CRLF, ISO dates, no NaN, formula-safe text). Pure: the publish stage writes the strings.
 *
 * orders.csv, one row per series in urgency order: the columns first (store, sku,
 * supplier, on_hand, on_order, days_of_cover, expected_stockout_date, reorder_point, order_up_to,
 * suggested_qty, order_by_date, reason), then how they were reached (safety_stock, unit_value and
 * its basis `cost`/`price`, order_value at cost, value_at_risk, the buying terms, demand class
 * and the distribution used). An empty cell is an unknown or absent value: on_hand and
 * suggested_qty without a stock count, days_of_cover and the dates when stock lasts past a year
 * or nothing sells.
 */
import { formatDay } from '../../dates.js';
import { csvLine, headerLine, numberCell, optionalNumberCell, textCell } from '../../io/csv-format.js';
import { formatCutoff, weekdayNames } from '../delivery.js';
import type { OrderRow, SupplierTotal } from './orders.js';

/** Columns of orders.csv, in order. */
export const ORDERS_COLUMNS = [
  'store',
  'sku',
  'supplier',
  'on_hand',
  'on_order',
  'days_of_cover',
  'expected_stockout_date',
  'reorder_point',
  'order_up_to',
  'suggested_qty',
  'order_by_date',
  'reason',
  'safety_stock',
  'unit_value',
  'value_basis',
  'order_value',
  'value_at_risk',
  'lead_time_days',
  'review_period_days',
  'pack_size',
  'min_order_qty',
  'service_type',
  'service_target',
  'demand_class',
  'method',
] as const;

/** Columns of orders-by-supplier.csv, in order. */
export const SUPPLIER_COLUMNS = ['supplier', 'items_to_order', 'units', 'order_value', 'min_order_value', 'meets_minimum', 'delivery_days', 'cutoff', 'next_delivery', 'note'] as const;

const day = (d: number | null) => (d === null ? '' : formatDay(d));

/** orders.csv text (module comment). */
export function ordersCsv(rows: readonly OrderRow[]): string {
  let out = headerLine(ORDERS_COLUMNS);
  for (const r of rows) {
    out += csvLine([
      textCell(r.store),
      textCell(r.sku),
      textCell(r.supplier),
      optionalNumberCell(r.onHand, 2),
      numberCell(r.onOrder, 2),
      optionalNumberCell(r.daysOfCover, 1),
      day(r.expectedStockout),
      numberCell(r.reorderPoint, 1),
      numberCell(r.orderUpTo, 1),
      optionalNumberCell(r.suggestedQty, 0),
      day(r.orderBy),
      textCell(r.reason),
      numberCell(r.safetyStock, 1),
      optionalNumberCell(r.unitValue, 2),
      textCell(r.valueBasis),
      optionalNumberCell(r.orderValue, 2),
      optionalNumberCell(r.valueAtRisk, 2),
      numberCell(r.leadTimeDays, 0),
      numberCell(r.reviewPeriodDays, 0),
      numberCell(r.packSize, 0),
      numberCell(r.minOrderQty, 2),
      textCell(r.serviceType),
      numberCell(r.serviceTarget, 4),
      textCell(r.demandClass),
      textCell(r.method),
    ]);
  }
  return out;
}

/** orders-by-supplier.csv text: one row per supplier (`` for items without one). */
export function suppliersCsv(totals: readonly SupplierTotal[]): string {
  let out = headerLine(SUPPLIER_COLUMNS);
  for (const t of totals) {
    out += csvLine([
      textCell(t.supplier),
      numberCell(t.items, 0),
      numberCell(t.units, 2),
      optionalNumberCell(t.value, 2),
      optionalNumberCell(t.minOrderValue, 2),
      t.meetsMinimum === null ? '' : t.meetsMinimum ? 'yes' : 'no',
      textCell(weekdayNames(t.schedule.weekdays)),
      t.schedule.cutoffMinutes === undefined ? '' : formatCutoff(t.schedule.cutoffMinutes),
      day(t.nextDelivery),
      textCell(t.note),
    ]);
  }
  return out;
}
