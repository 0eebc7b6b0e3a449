/**
 * The "What to order" section that opens report.html: the order list by supplier, in plain
 * words, for the buyer who opens the report to know what to order today. Per supplier with an
 * order due: its totals, whether its minimum order value is met, when it delivers, and its most
 * urgent lines (the order list's urgency order: expected stockout date, then value at risk);
 * the rest are in orders.csv. Without a stock file it says why there are no quantities and shows
 * the most urgent levels instead.
 *
 * `reportOrders` picks the figures (pure, plain JSON); `ordersSection` renders them.
 */
import { dayWithWeekday, formatCutoff, weekdayNames } from '../replenish/delivery.js';
import type { OrderPlan, OrderRow } from '../replenish/orders/orders.js';
import { escapeHtml, table } from './report-html.js';

/** Lines shown per supplier; the rest are counted. */
export const REPORT_ORDER_LINES = 10;

/** One line of the section (dates written with weekday and year). */
export interface ReportOrderLine {
  readonly item: string;
  readonly onHand: string;
  readonly runsOut: string;
  readonly orderQty: string;
  readonly orderBy: string;
  readonly value: string;
  readonly reason: string;
}

/** One supplier's block. */
export interface ReportSupplierOrders {
  /** Display name ('(no supplier given)' for items without one). */
  readonly supplier: string;
  /** One sentence of totals, minimum and deliveries. */
  readonly summary: string;
  readonly lines: ReportOrderLine[];
  /** Lines of this supplier not shown. */
  readonly more: number;
}

/** The section's figures. */
export interface ReportOrders {
  /** The headline sentence. */
  readonly headline: string;
  readonly notes: string[];
  readonly suppliers: ReportSupplierOrders[];
}

const money = (x: number) => x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const count = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: 1 });
const itemName = (r: OrderRow) => (r.store ? `${r.store} / ${r.sku}` : r.sku);

function line(r: OrderRow): ReportOrderLine {
  return {
    item: itemName(r),
    onHand: r.onHand === null ? 'not counted' : count(r.onHand) + (r.onOrder > 0 ? ` + ${count(r.onOrder)} on order` : ''),
    runsOut: r.expectedStockout === null ? (r.onHand === null ? '–' : 'not within a year') : dayWithWeekday(r.expectedStockout),
    orderQty: r.suggestedQty === null ? `up to ${count(Math.round(r.orderUpTo * 10) / 10)}` : count(r.suggestedQty),
    orderBy: r.orderBy === null ? '–' : dayWithWeekday(r.orderBy),
    value: Number.isFinite(r.orderValue) ? money(r.orderValue) : '–',
    reason: r.reason,
  };
}

/**
 * The section's figures from the order list.
 * @param plan The run's order list (pipelines/replenish/orders/orders.ts).
 * @param perSupplier Lines shown per supplier.
 */
export function reportOrders(plan: OrderPlan, perSupplier = REPORT_ORDER_LINES): ReportOrders {
  const due = plan.rows.filter((r) => (r.suggestedQty ?? 0) > 0);
  const counted = plan.rows.some((r) => r.onHand !== null);
  const late = plan.rows.filter((r) => r.expectedStockout !== null && r.expectedStockout < r.arrival).length;
  const units = due.reduce((s, r) => s + (r.suggestedQty ?? 0), 0);
  const priced = due.every((r) => Number.isFinite(r.orderValue));
  const value = priced ? ` worth ${money(due.reduce((s, r) => s + r.orderValue, 0))} at cost` : '';
  const headline = counted
    ? `Orders placed on ${dayWithWeekday(plan.orderDay)}: ${due.length} of ${plan.rows.length} items need an order, ${count(units)} units${value}.` +
      (late ? ` ${late} item(s) are expected to run out before an order placed today can arrive.` : '')
    : `No stock count was given, so this list cannot say how much to order: it shows, for the ${plan.rows.length} items, the level to order up to once stock is known.`;
  const suppliers: ReportSupplierOrders[] = [];
  for (const t of plan.suppliers) {
    const rows = plan.rows.filter((r) => r.supplier === t.supplier && (counted ? (r.suggestedQty ?? 0) > 0 : true));
    if (rows.length === 0) continue;
    const parts = [counted ? `${t.items} item(s), ${count(t.units)} units${Number.isFinite(t.value) ? `, ${money(t.value)}` : ''}` : `${rows.length} item(s)`];
    if (t.minOrderValue !== null) parts.push(t.meetsMinimum === false ? `below the minimum order value of ${money(t.minOrderValue)}` : t.meetsMinimum ? `meets the minimum order value of ${money(t.minOrderValue)}` : `minimum order value ${money(t.minOrderValue)}`);
    parts.push(`delivers ${weekdayNames(t.schedule.weekdays)}${t.schedule.cutoffMinutes !== undefined ? `, order before ${formatCutoff(t.schedule.cutoffMinutes)}` : ''}`);
    if (t.nextDelivery !== null) parts.push(`next delivery ${dayWithWeekday(t.nextDelivery)}`);
    if (t.note && t.meetsMinimum === false) parts.push(t.note);
    suppliers.push({
      supplier: t.supplier || '(no supplier given)',
      summary: parts.join('; ') + '.',
      lines: rows.slice(0, perSupplier).map(line),
      more: Math.max(0, rows.length - perSupplier),
    });
  }
  return { headline, notes: [...plan.notes], suppliers };
}

/**
 * The section's HTML.
 * @param warnings Run warnings shown below it (the section points at them).
 */
export function ordersSection(o: ReportOrders, warnings: number): string {
  const parts = [`<section id="orders"><h2>What to order</h2><p><strong>${escapeHtml(o.headline)}</strong></p>`];
  for (const n of o.notes) parts.push(`<p class="note">${escapeHtml(n)}</p>`);
  if (warnings > 0) parts.push(`<p class="note">${warnings} warning(s) below under “Read this before ordering”.</p>`);
  if (o.suppliers.length === 0) parts.push('<p>Nothing needs ordering now.</p>');
  for (const s of o.suppliers) {
    parts.push(`<h3>${escapeHtml(s.supplier)}</h3><p class="note">${escapeHtml(s.summary)}</p>`);
    const rows = s.lines.map((l) => [l.item, l.onHand, l.runsOut, l.orderQty, l.orderBy, l.value, l.reason]);
    parts.push(table(['item', 'on hand', 'runs out', 'order', 'order by', 'value', 'why'], rows).replace('<table>', '<table class="orders">'));
    if (s.more > 0) parts.push(`<p class="note">and ${s.more} more line(s) for this supplier in orders.csv.</p>`);
  }
  parts.push('<p class="note">The full list, one row per item with its reorder point, order-up-to level and buying terms, is orders.csv; totals per supplier are orders-by-supplier.csv.</p></section>');
  return parts.join('\n');
}
