/**
 * The suppliers file (`--suppliers`): when each supplier delivers and what an order must reach.
 *
 * | column            | required | recognised headers (normalised)                                   | value |
 * |-------------------|----------|--------------------------------------------------------------------|-------|
 * | supplier          | yes      | supplier, supplier_id, supplier_name, vendor, vendor_id, vendor_name | text |
 * | delivery_days     | no       | delivery_days, delivery_weekdays, deliveries, delivers, delivery_day, weekdays, days | `Tue/Fri`, `Mon-Fri`, `2,5` (ISO numbers), `daily`; empty = every day |
 * | cutoff            | no       | order_cutoff, cutoff, cut_off, cutoff_time, order_cutoff_time, order_deadline, order_by | `14:00`, `2pm`, `noon`; orders after it count as placed the next day |
 * | min_order_value   | no       | min_order_value, minimum_order_value, mov, min_value, minimum_order, min_order | money >= 0 |
 * | lead_time_days    | no       | as in the items file                                               | whole days >= 0: the lead time of the supplier's items that give none |
 *
 * A supplier listed twice rejects the later row.
 */
import { z } from 'zod';
import { EVERY_DAY, parseCutoff, parseWeekdays, type WeekdayMask } from '../delivery.js';
import { LEAD_TIME_NAMES, SUPPLIER_NAMES } from './items.js';
import { byLine } from './input-issue.js';
import { parseTable, rejectRepeats, type CsvTable, type TableSpec } from './table.js';
import type { InputRows } from './stock.js';

/** One supplier. */
export interface SupplierRow {
  readonly line: number;
  readonly supplier: string;
  /** Delivery weekdays (pipelines/replenish/delivery.ts); every day when not given. */
  readonly weekdays: WeekdayMask;
  /** Order cut-off, minutes after midnight; undefined = none. */
  readonly cutoffMinutes?: number;
  /** Smallest order value the supplier accepts (money); undefined = none. */
  readonly minOrderValue?: number;
  readonly leadTimeDays?: number;
}

const SPEC: TableSpec<'supplier' | 'delivery_days' | 'cutoff' | 'min_order_value' | 'lead_time_days'> = {
  file: 'suppliers',
  fields: {
    supplier: { names: SUPPLIER_NAMES, required: true, kind: 'text' },
    delivery_days: {
      names: ['deliverydays', 'deliveryweekdays', 'deliveries', 'delivers', 'deliveryday', 'weekdays', 'days'],
      required: false,
      kind: 'weekdays',
      read: parseWeekdays,
    },
    cutoff: { names: ['ordercutoff', 'cutoff', 'cutofftime', 'ordercutofftime', 'orderdeadline', 'orderby'], required: false, kind: 'time', read: parseCutoff },
    min_order_value: { names: ['minordervalue', 'minimumordervalue', 'mov', 'minvalue', 'minimumorder', 'minorder'], required: false, kind: 'number' },
    lead_time_days: { names: LEAD_TIME_NAMES, required: false, kind: 'number' },
  },
};

/** Schema of a suppliers row's converted cells. */
export const supplierRowSchema = z.object({
  supplier: z.string(),
  delivery_days: z.number({ error: 'is not a list of weekdays (e.g. Tue/Fri, Mon-Fri, daily)' }).int().min(1).max(EVERY_DAY).optional(),
  cutoff: z.number({ error: 'is not a time of day (e.g. 14:00, 2pm)' }).min(0).max(1440).optional(),
  min_order_value: z.number().min(0, 'must be 0 or more').optional(),
  lead_time_days: z.number().int('must be a whole number of days').min(0, 'must be 0 or more').optional(),
});

/** Parse a suppliers table (module comment); never throws on content. */
export function parseSuppliers(table: CsvTable): InputRows<SupplierRow> {
  const t = parseTable(table, SPEC, supplierRowSchema);
  const unique = rejectRepeats(t.rows, 'suppliers', (r) => r.supplier, (r) => `supplier "${r.supplier}"`);
  const rows = unique.kept.map(
    (r): SupplierRow => ({
      line: r.line,
      supplier: r.supplier,
      weekdays: r.delivery_days ?? EVERY_DAY,
      ...(r.cutoff !== undefined ? { cutoffMinutes: r.cutoff } : {}),
      ...(r.min_order_value !== undefined ? { minOrderValue: r.min_order_value } : {}),
      ...(r.lead_time_days !== undefined ? { leadTimeDays: r.lead_time_days } : {}),
    }),
  );
  return { rows, issues: [...t.issues, ...unique.issues].sort(byLine), read: t.read, rejected: t.rejected + unique.issues.length, hasStore: false };
}
