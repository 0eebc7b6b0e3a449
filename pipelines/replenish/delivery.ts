/**
 * When an order arrives and when it must be placed, from the lead time and the supplier's
 * delivery weekdays and order cut-off. Days are day numbers (pipelines/dates.ts).
 *
 * Timing convention (shared by the order list and the replay, pipelines/replenish/replay/simulate.ts):
 * an order placed on day d (before the supplier's cut-off time that day) with lead time L days
 * is delivered on the first delivery weekday on or after d + L, in the morning, and sells that
 * day. An order placed after the cut-off counts as placed on d + 1. So an order placed on d
 * must be covered by the stock until the morning of its arrival: demand of days d, d+1, ...,
 * arrival - 1.
 */
import { dayOfWeek, formatDay } from '../dates.js';

/** Bit mask of weekdays: bit 0 = Monday ... bit 6 = Sunday (as {@link dayOfWeek}). */
export type WeekdayMask = number;

/** Every day of the week. */
export const EVERY_DAY: WeekdayMask = 0x7f;

/** A supplier's delivery days and order cut-off. */
export interface DeliverySchedule {
  /** Days the supplier delivers. @defaultValue {@link EVERY_DAY} */
  readonly weekdays: WeekdayMask;
  /** Latest time of day for an order to count as placed that day, minutes after midnight; undefined = any time. */
  readonly cutoffMinutes?: number;
}

/** Any day, no cut-off. */
export const ANY_DAY: DeliverySchedule = { weekdays: EVERY_DAY };

const DAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const DAY_WORDS: Record<string, number> = {
  mo: 0, mon: 0, monday: 0, tu: 1, tue: 1, tues: 1, tuesday: 1, we: 2, wed: 2, wednesday: 2, th: 3, thu: 3, thur: 3, thurs: 3, thursday: 3,
  fr: 4, fri: 4, friday: 4, sa: 5, sat: 5, saturday: 5, su: 6, sun: 6, sunday: 6,
};

function dayToken(t: string): number {
  if (/^[1-7]$/.test(t)) return Number(t) - 1; // ISO 8601: 1 = Monday
  return DAY_WORDS[t] ?? NaN;
}

/**
 * Read delivery weekdays: names or ISO numbers (1 = Monday ... 7 = Sunday) separated by `/`,
 * `,`, `;`, `|`, `+`, `&`, "and" or spaces; ranges with `-` (`Mon-Fri`); `daily`, `every day`,
 * `any`, `all` or `*` for every day. Case-insensitive.
 *
 * @example parseWeekdays('Tue/Fri') // 0b0010010 (Tuesday and Friday)
 * @returns the mask, NaN when a part is not a weekday or nothing is given.
 */
export function parseWeekdays(text: string): WeekdayMask {
  const t = text.trim().toLowerCase().replace(/\s*-\s*/g, '-');
  if (/^(daily|every ?day|any|all|\*)$/.test(t)) return EVERY_DAY;
  const parts = t.split(/\s*(?:[/,;|+&]|\band\b|\s)\s*/).filter((p) => p !== '');
  if (parts.length === 0) return NaN;
  let mask = 0;
  for (const p of parts) {
    const range = p.split('-');
    if (range.length === 2) {
      const a = dayToken(range[0]);
      const b = dayToken(range[1]);
      if (Number.isNaN(a) || Number.isNaN(b)) return NaN;
      for (let d = a; ; d = (d + 1) % 7) {
        mask |= 1 << d;
        if (d === b) break;
      }
    } else if (range.length === 1) {
      const d = dayToken(p);
      if (Number.isNaN(d)) return NaN;
      mask |= 1 << d;
    } else return NaN;
  }
  return mask;
}

/** Weekday names of a mask, `Tue/Fri`; `every day` for all seven. */
export function weekdayNames(mask: WeekdayMask): string {
  if ((mask & EVERY_DAY) === EVERY_DAY) return 'every day';
  return DAY_NAMES.filter((_, i) => mask & (1 << i)).join('/');
}

/**
 * Read an order cut-off time: `14:00`, `9:30`, `14.00`, `14`, `2pm`, `2:30 pm`, `noon`,
 * `midnight` (= 24:00, the end of the day).
 * @returns minutes after midnight (0 ... 1440), NaN when unreadable.
 */
export function parseCutoff(text: string): number {
  const t = text.trim().toLowerCase();
  if (t === 'noon') return 720;
  if (t === 'midnight') return 1440;
  const m = /^(\d{1,2})(?:[:.h](\d{2}))?(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?$/.exec(t);
  if (!m) return NaN;
  let h = Number(m[1]);
  const min = m[2] === undefined ? 0 : Number(m[2]);
  if (min > 59) return NaN;
  if (m[4]) {
    if (h < 1 || h > 12) return NaN;
    h = (h % 12) + (m[4].startsWith('p') ? 12 : 0);
  }
  const v = h * 60 + min;
  return v <= 1440 ? v : NaN;
}

/** `14:00` of minutes after midnight. */
export function formatCutoff(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

function checkDays(fn: string, lead: number): void {
  if (!Number.isInteger(lead) || lead < 0) throw new Error(`${fn} needs a lead time of 0 or more whole days, got ${lead}`);
}

/**
 * Day an order placed on `orderDay` arrives: the first delivery weekday on or after
 * orderDay + leadDays (module comment).
 * @throws when the lead time is not a whole number >= 0 or the schedule has no delivery day.
 */
export function arrivalDay(orderDay: number, leadDays: number, schedule: DeliverySchedule = ANY_DAY): number {
  checkDays('arrivalDay', leadDays);
  const mask = schedule.weekdays & EVERY_DAY;
  if (mask === 0) throw new Error('arrivalDay needs at least one delivery weekday');
  let d = orderDay + leadDays;
  while (!(mask & (1 << dayOfWeek(d)))) d++;
  return d;
}

/**
 * First day an order can still be placed: `day`, or the next day when the list is made after
 * the supplier's cut-off (`nowMinutes` past `cutoffMinutes`).
 * @param nowMinutes Time of day the order would be placed, minutes after midnight; undefined =
 *   before any cut-off.
 */
export function firstOrderDay(day: number, schedule: DeliverySchedule, nowMinutes?: number): number {
  const c = schedule.cutoffMinutes;
  return nowMinutes !== undefined && c !== undefined && nowMinutes > c ? day + 1 : day;
}

/**
 * Latest day on or after `earliest` on which an order still arrives by `needDay` (module
 * comment), or null when even an order on `earliest` arrives later.
 * @throws as {@link arrivalDay}.
 */
export function latestOrderDay(needDay: number, leadDays: number, schedule: DeliverySchedule, earliest: number): number | null {
  checkDays('latestOrderDay', leadDays);
  const mask = schedule.weekdays & EVERY_DAY;
  if (mask === 0) throw new Error('latestOrderDay needs at least one delivery weekday');
  // the last delivery day on or before the need day; an order leadDays before it arrives then
  let a = needDay;
  while (!(mask & (1 << dayOfWeek(a)))) a--;
  const d = a - leadDays;
  return d >= earliest ? d : null;
}

/** `Tue 2016-03-29`: a date with its weekday, for plain-language reasons. */
export function dayWithWeekday(day: number): string {
  return `${DAY_NAMES[dayOfWeek(day)]} ${formatDay(day)}`;
}
