/**
 * The report's "Would this policy have worked?" section: the run's replay of its order policy on
 * the last weeks of sales (pipelines/replenish/replay/run-replay.ts, run.json `simulation`) in
 * plain words, against a shop's simple rule, with the calibration of the safety stock. A run
 * without a replay shows the reason (never an empty section).
 */
import { parseIsoDay } from '../dates.js';
import { dayWithWeekday } from '../replenish/delivery.js';
import type { RunReplaySummary } from '../replenish/replay/run-replay.js';
import type { PolicyFigures } from '../replenish/replay/simulate-run.js';
import { escapeHtml, table } from './report-html.js';

const pct = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? '–' : `${(100 * x).toFixed(1)}%`);
const whole = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? '–' : Math.round(x).toLocaleString('en-US'));
const day = (iso: string | undefined) => (iso ? dayWithWeekday(parseIsoDay(iso)) : '–');

/** Days of cover in words: whole days from 10 on, else to a tenth. */
function coverDays(days: number): string {
  return `${days >= 10 ? Math.round(days) : days.toFixed(1)} days`;
}

/** The safety stock change of a segment: as tuned, or the tuned value and that it was not applied (a run's replay applies only the lowering ones: run-replay.ts). */
function shiftText(measured: number, applied: number): string {
  const sd = (x: number) => `${x > 0 ? '+' : '−'}${Math.abs(x).toFixed(2)} sd`;
  if (measured === applied) return measured === 0 ? 'none' : sd(measured);
  return `${sd(measured)} measured, not applied (see below)`;
}

/** A policy's name in words. */
export function policyName(p: string): string {
  if (p === 'proposed') return 'this order list’s policy';
  if (p === 'proposed_uncalibrated') return 'the same, before tuning the safety stock';
  const m = /^simple_matched_([\d.]+)d$/.exec(p);
  if (m) return `order up to ${coverDays(Number(m[1]))} of average sales (the cover that serves as much)`;
  const w = /^simple_([\d.]+)w$/.exec(p);
  if (w) return `order up to ${Number(w[1])} weeks of average sales (a simple rule)`;
  return p.replace(/_/g, ' ');
}

const CLASS_WORDS: Record<string, string> = { smooth: 'steady sellers', erratic: 'erratic sellers', intermittent: 'slow, occasional sellers', lumpy: 'occasional sellers in bursts', none: 'items without sales' };

/** A calibration segment in words (`smooth/fill_rate` → "steady sellers, share of units served"). */
export function segmentName(segment: string): string {
  const [cls, type] = segment.split('/');
  return `${CLASS_WORDS[cls] ?? cls}, ${type === 'fill_rate' ? 'share of units served' : 'order cycles without running out'}`;
}

/** The opening paragraph: what the proposed policy achieved and how the simple rule compares. */
function verdict(s: RunReplaySummary, proposed: PolicyFigures, simple?: PolicyFigures, matched?: PolicyFigures): string {
  let text =
    `Over the last ${s.weeks} weeks (${day(s.firstDate)} to ${day(s.lastDate)}), ordering as this list proposes would have served ${pct(proposed.fillRate)} of the units customers asked for, ` +
    `and ${pct(proposed.cycleService)} of order cycles would have ended without running out. ${whole(proposed.lostUnits)} units would have been lost on ${whole(proposed.stockoutDays)} item-days with an empty shelf; ` +
    `stock on hand would have averaged ${whole(proposed.avgStock)} units (${whole(proposed.avgStockValue)} in value), with ${whole(proposed.orders)} orders placed.`;
  if (simple) {
    const better = proposed.fillRate >= simple.fillRate && proposed.avgStock <= simple.avgStock;
    const weeks = /^simple_([\d.]+)w$/.exec(simple.policy)?.[1] ?? '?';
    text += ` A simple rule many shops use, ordering up to ${Number(weeks)} weeks of average sales, would have served ${pct(simple.fillRate)} holding ${whole(simple.avgStock)} units${better ? ': this list serves more with less stock.' : '.'}`;
  }
  if (matched) {
    const days = Number(/^simple_matched_([\d.]+)d$/.exec(matched.policy)?.[1]);
    text += ` To serve as much as this list, that rule would need ${coverDays(days)} of average sales: ${whole(matched.avgStock)} units on average.`;
  }
  return text;
}

/**
 * The section's HTML.
 * @param s run.json `simulation`; undefined for runs made before the replay existed (no section).
 */
export function replaySection(s: RunReplaySummary | undefined): string {
  if (!s) return '';
  const head = '<section id="replay"><h2>Would this policy have worked?</h2>';
  const proposed = s.policies?.find((p) => p.policy === 'proposed');
  if (s.status !== 'replayed' || !proposed) return `${head}<p class="note">${escapeHtml(s.note)}</p></section>`;
  const simple = s.policies?.find((p) => /^simple_[\d.]+w$/.test(p.policy));
  const matched = s.policies?.find((p) => p.policy.startsWith('simple_matched_'));
  const parts = [head, `<p>${escapeHtml(verdict(s, proposed, simple, matched))}</p>`];
  parts.push(
    table(
      ['policy', 'units served', 'cycles without running out', 'units lost', 'item-days out of stock', 'average stock (units)', 'average stock (value)', 'orders'],
      (s.policies ?? []).map((p) => [policyName(p.policy), pct(p.fillRate), pct(p.cycleService), whole(p.lostUnits), whole(p.stockoutDays), whole(p.avgStock), whole(p.avgStockValue), whole(p.orders)]),
    ).replace('<table>', '<table class="replay">'),
  );
  if (s.calibration && s.calibration.length) {
    parts.push(`<p class="note">${escapeHtml(`The safety stock of each kind of item was tuned on the ${s.calibrationWeeks} weeks before (from ${day(s.calibrationFirstDate)}): raised where it fell short of the target, lowered only where the target was still met with 90% confidence. This order list uses the tuned safety stock. The change is counted in standard deviations (sd) of the demand over the days an order must cover.`)}</p>`);
    parts.push(
      table(
        ['kind of item, what is promised', 'target', 'achieved before tuning', 'after tuning', 'safety stock change'],
        s.calibration.map((c) => [segmentName(c.segment), pct(c.target), pct(c.before), pct(c.after), shiftText(c.shift, s.shifts?.[c.segment] ?? c.shift)]),
      ).replace('<table>', '<table class="replay">'),
    );
  }
  parts.push(`<p class="note">${escapeHtml(`${s.note} Lost sales are not carried over (a customer who finds the shelf empty buys elsewhere); stock started at each policy's order-up-to level; value at unit cost where the items file gives one, else at the last selling price. Per item: simulation.csv.`)}</p></section>`);
  return parts.join('\n');
}
