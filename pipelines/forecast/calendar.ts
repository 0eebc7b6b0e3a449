/**
 * Retail calendar: event days and state SNAP days, turned into regressors aligned with a
 * series' history and forecast horizon.
 *
 * Input layout (the M5 `calendar.csv`, generalised): a `date` column (YYYY-MM-DD); any column
 * whose name starts with `event_name` marks an event on that day when non-empty, of the type in
 * the `event_type` column with the same suffix (`event_name_1` / `event_type_1`: Sporting,
 * Cultural, National, Religious in the M5); a type without a name marks an event of that type; any `snap_XX` column is a 0/1 flag for state `XX`,
 * matched to a store id's prefix before the first `_` (`CA_1` -> `CA`). Other columns
 * (`weekday`, `wm_yr_wk`, ...) are ignored: the day of week comes from the day number.
 */
import Papa from 'papaparse';
import type { Regressors } from '../../models/types.js';
import { dayFromYmd, formatDay, parseIsoDay } from '../dates.js';
import { quoteInput } from '../errors.js';
import { readSideFile } from '../io/side-file.js';
import { DAILY, periodFirstDay, type PeriodGrid } from '../periods.js';

/** Calendar days outside 1900-2199 are refused: the calendar's arrays span its dates. */
const CALENDAR_MIN_DAY = dayFromYmd(1900, 1, 1);
const CALENDAR_MAX_DAY = dayFromYmd(2199, 12, 31);
import type { SeriesData } from '../types.js';

/** A calendar as plain data (JSON-serialisable, so it can travel in a queue job). */
export interface Calendar {
  /** Day number of index 0. */
  readonly start: number;
  /** 1 on days with at least one named event, else 0; one entry per day from `start`. */
  readonly event: number[];
  /**
   * Per event type (`sporting`, `cultural`, `national`, `religious`, ...; lower case; `other` for
   * an event without a type): 1 on days with an event of that type; same length as `event`.
   */
  readonly eventTypes: Record<string, number[]>;
  /** Per state code (`CA`, `TX`, ...): 1 on SNAP days, else 0; same length as `event`. */
  readonly snap: Record<string, number[]>;
}

/**
 * Parse calendar CSV text into a {@link Calendar}. Days missing from the file inside its
 * date range are days without events or SNAP.
 *
 * @param text CSV text with a header row.
 * @param source Name used in error messages (a file path).
 * @throws when there is no `date` column, no event or SNAP column, a date is not YYYY-MM-DD, or there are no rows.
 */
export function parseCalendar(text: string, source = 'calendar'): Calendar {
  const parsed = Papa.parse<string[]>(text, { skipEmptyLines: true });
  const rows = parsed.data;
  if (rows.length < 2) throw new Error(`parseCalendar needs a header and at least one row in ${source}, got ${rows.length} line(s)`);
  const header = rows[0].map((h) => h.trim());
  const dateCol = header.findIndex((h) => h.toLowerCase() === 'date');
  // the header is not quoted: the file may not be a calendar at all (its contents stay out of messages)
  if (dateCol < 0) throw new Error(`parseCalendar needs a "date" column in ${source}; its first line has ${header.length} field(s), none named "date"`);
  const { eventCols, snapCols } = calendarColumns(header);
  const days: number[] = [];
  let lo = Infinity;
  let hi = -Infinity;
  for (let r = 1; r < rows.length; r++) {
    const d = parseIsoDay((rows[r][dateCol] ?? '').trim());
    if (Number.isNaN(d)) throw new Error(`parseCalendar: bad date ${quoteInput(rows[r][dateCol] ?? '', 40)} on line ${r + 1} of ${source} (expected YYYY-MM-DD)`);
    if (d < CALENDAR_MIN_DAY || d > CALENDAR_MAX_DAY) throw new Error(`parseCalendar: date ${formatDay(d)} on line ${r + 1} of ${source} is outside 1900-01-01 to 2199-12-31`);
    days.push(d);
    if (d < lo) lo = d;
    if (d > hi) hi = d;
  }
  // a calendar whose columns give nothing would be used silently as one without events or SNAP
  if (eventCols.length === 0 && snapCols.length === 0) throw new Error(`parseCalendar: ${source} has no event or SNAP column (columns named event_name… and/or event_type…, or snap_<STATE>), so it would add nothing; its first line has ${header.length} field(s). Rename its event column event_name_1 (its type column event_type_1), or leave the calendar out`);
  const len = hi - lo + 1;
  const event = new Array<number>(len).fill(0);
  const eventTypes: Record<string, number[]> = {};
  const snap: Record<string, number[]> = {};
  for (const s of snapCols) snap[s.state] = new Array<number>(len).fill(0);
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r];
    const i = days[r - 1] - lo;
    for (const { name, type: tc } of eventCols) {
      const named = name !== undefined && (row[name] ?? '').trim() !== '';
      const typed = tc === undefined ? '' : (row[tc] ?? '').trim().toLowerCase();
      if (!named && !typed) continue;
      event[i] = 1;
      (eventTypes[typed || 'other'] ??= new Array<number>(len).fill(0))[i] = 1;
    }
    for (const s of snapCols) if (Number((row[s.col] ?? '').trim()) > 0) snap[s.state][i] = 1;
  }
  return { start: lo, event, eventTypes, snap };
}

/**
 * The event and SNAP columns of a calendar's header: per suffix (`_1` of `event_name_1` and
 * `event_type_1`) its name and type columns, either may be missing (a day with a name or a type
 * is an event day); per `snap_<STATE>` column its state.
 */
function calendarColumns(header: readonly string[]): { eventCols: { name?: number; type?: number }[]; snapCols: { col: number; state: string }[] } {
  const events = new Map<string, { name?: number; type?: number }>();
  const snapCols: { col: number; state: string }[] = [];
  header.forEach((h, i) => {
    const lower = h.toLowerCase();
    const kind = lower.startsWith('event_name') ? 'name' : lower.startsWith('event_type') ? 'type' : null;
    if (kind) {
      const suffix = lower.slice('event_name'.length); // 'event_type' has the same length
      const cols = events.get(suffix) ?? {};
      if (cols[kind] === undefined) cols[kind] = i;
      events.set(suffix, cols);
    } else if (lower.startsWith('snap_') && h.length > 5) snapCols.push({ col: i, state: h.slice(5).toUpperCase() });
  });
  return { eventCols: [...events.values()], snapCols };
}

/**
 * Read a calendar CSV file (gzip-compressed or not), a regular file of at most `maxBytes` bytes
 * (pipelines/io/side-file.ts: a device, a FIFO or a huge file is refused before it is read).
 *
 * @param path File path.
 * @param maxBytes config `validation.maxSideFileBytes`. @defaultValue 64 MiB
 * @throws InputError when the file cannot be read or is refused; Error when {@link parseCalendar} rejects it.
 */
export function loadCalendar(path: string, maxBytes = 64 * 1024 * 1024): Calendar {
  const text = readSideFile(path, 'calendar', maxBytes).toString('utf8');
  return parseCalendar(text, path);
}

/**
 * The event columns: on daily data one per event type (`event_<type>`, types sorted); `event`
 * (any named event) on weeks and months, or when the calendar has no types. A week's or a
 * month's count of one type's days is a small share of its sales, and a series of periods has
 * few observations (60 months in five years) to estimate one effect per type from: by period the
 * types only add noise to the regression (bench/period-accuracy.ts, README).
 */
function eventColumns(calendar: Calendar, daily: boolean): [string, readonly number[]][] {
  const types = daily ? Object.keys(calendar.eventTypes ?? {}).sort() : [];
  if (types.length === 0) return [['event', calendar.event]];
  return types.map((t) => [`event_${t}`, calendar.eventTypes[t]]);
}

/** State code of a store id: the part before the first `_` (`CA_1` -> `CA`), upper-cased. */
export function stateOfStore(store: string): string {
  const i = store.indexOf('_');
  return (i < 0 ? store : store.slice(0, i)).toUpperCase();
}

function flagAt(flags: readonly number[], start: number, day: number): number {
  const i = day - start;
  return i >= 0 && i < flags.length ? flags[i] : 0;
}

/** Days [from, to) flagged, shifted by `lead` days (0: the day itself, 1: the next day). */
function flagCount(flags: readonly number[], start: number, from: number, to: number, lead: number): number {
  let c = 0;
  for (let d = from; d < to; d++) c += flagAt(flags, start, d + lead);
  return c;
}

/**
 * Build the regressors of a series over its last `n` history periods and `h` horizon periods.
 *
 * Columns, in this order, each a Float64Array of length n + h where index t is period
 * `end - n + 1 + t` (a day for daily data); for a week or a month each flag is counted over the
 * period's days (pipelines/periods.ts), which for one day is the flag itself:
 * - on daily data, `event_<type>` for each event type of the calendar (`event_cultural`,
 *   `event_national`, `event_religious`, `event_sporting` in the M5; types sorted): days with an
 *   event of that type (0 outside the calendar's range); each type has its own effect in the
 *   regression and the calendar-adjusted models; on the M5 slice this was a tie with one `event`
 *   flag (bench/m5-hierarchy.ts, README). On a week or month grid, or when the calendar has no
 *   types, one `event` column: days with any named event (why: `eventColumns`);
 * - `event_tomorrow`: days whose next day has an event (pre-event shopping);
 * - `snap`: SNAP days of the series' state (store prefix before `_`), or for an aggregate of
 *   stores their counts weighted by sales share (`storeShares`); omitted when the calendar has
 *   no `snap_` column for the state(s);
 * - `price`: the last known unit price carried forward (the first known price carried back
 *   over leading days without one), and the last known price carried into the horizon, since
 *   future prices are not known at forecast time; omitted when the series has no price at all.
 *
 * @param series The series (its `price` and `store` are read).
 * @param calendar The calendar, or undefined for price only.
 * @param n History length in periods (the last `n` periods up to `end`).
 * @param h Horizon in periods.
 * @param end Period number of the last history period; defaults to the series' last period.
 * @param grid How the series' periods lie on the calendar. @defaultValue DAILY
 * @returns the regressors, or undefined when there is neither a calendar nor a price.
 * @throws when n < 1, h < 0, or the history window starts before the series.
 */
export function regressorsFor(
  series: SeriesData,
  calendar: Calendar | undefined,
  n: number,
  h: number,
  end: number = series.start + series.demand.length - 1,
  grid: PeriodGrid = DAILY,
): Regressors | undefined {
  if (!Number.isInteger(n) || n < 1) throw new Error(`regressorsFor needs n >= 1 history periods, got ${n}`);
  if (!Number.isInteger(h) || h < 0) throw new Error(`regressorsFor needs a horizon h >= 0, got ${h}`);
  const first = end - n + 1;
  if (first < series.start) throw new Error(`regressorsFor: history window starts on period ${first}, before the series starts (${series.start})`);
  const len = n + h;
  const names: string[] = [];
  const values: Float64Array[] = [];
  if (calendar) {
    const daily = grid.frequency === 'day';
    // day range [from, to) of period first + t
    const from = (t: number): number => (daily ? first + t : periodFirstDay(grid, first + t));
    const to = (t: number): number => (daily ? first + t + 1 : periodFirstDay(grid, first + t + 1));
    // a day counts its own flag (the one-day loop of flagCount, without it: this runs for every day of every fit)
    const count = (flags: readonly number[], t: number, lead: number): number => flagCount(flags, calendar.start, from(t), to(t), lead);
    // the column of days [first, first + len), lead days ahead; daily: each day's own flag, in one loop
    const column = (flags: readonly number[], lead: number): Float64Array =>
      daily ? dailyFlags(flags, calendar.start, first + lead, len) : Float64Array.from({ length: len }, (_, t) => count(flags, t, lead));
    for (const [type, flags] of eventColumns(calendar, daily)) {
      names.push(type);
      values.push(column(flags, 0));
    }
    names.push('event_tomorrow');
    values.push(column(calendar.event, 1));
    const sn = snapColumn(series, calendar, len, (flags) => column(flags, 0));
    if (sn) {
      names.push('snap');
      values.push(sn);
    }
  }
  const price = carriedPrice(series, first, n, len);
  if (price) {
    names.push('price');
    values.push(price);
  }
  return names.length ? { names, values } : undefined;
}

/**
 * SNAP days of the series' state in each of the `len` periods (`count`); for an aggregate of several stores
 * (`storeShares`), the stores' flags weighted by their shares of its sales (the share of its
 * sales on SNAP terms). Undefined when no store's state has a SNAP column.
 */
function snapColumn(series: SeriesData, calendar: Calendar, len: number, column: (flags: readonly number[]) => Float64Array): Float64Array | undefined {
  const shares = series.storeShares ?? { [series.store]: 1 };
  let out: Float64Array | undefined;
  for (const [store, share] of Object.entries(shares)) {
    const flags = calendar.snap[stateOfStore(store)];
    if (!flags || !(share > 0)) continue;
    out ??= new Float64Array(len);
    const c = column(flags);
    for (let t = 0; t < len; t++) out[t] += share * c[t];
  }
  return out;
}

/** Each calendar flag array as a Float64Array (the same 0/1 values), made once: daily columns are copies of its days (a calendar is read-only once parsed). */
const flagArrays = new WeakMap<readonly number[], Float64Array>();

/** flags[d - start] for the days d = from .. from + len - 1 (0 outside the flags' range): {@link flagAt} day by day. */
function dailyFlags(flags: readonly number[], start: number, from: number, len: number): Float64Array {
  let f = flagArrays.get(flags);
  if (!f) {
    f = Float64Array.from(flags);
    flagArrays.set(flags, f);
  }
  const out = new Float64Array(len);
  const off = from - start;
  // t with 0 <= off + t < flags.length
  const a = Math.max(0, -off);
  const b = Math.min(len, f.length - off);
  if (b > a) out.set(f.subarray(off + a, off + b), a);
  return out;
}

/** Price over [first, first + len): carried forward from the series start, back-filled, horizon held flat. */
function carriedPrice(series: SeriesData, first: number, n: number, len: number): Float64Array | undefined {
  const p = series.price;
  const lastHist = Math.min(first - series.start + n, p.length); // exclusive index of the history end
  let last = NaN;
  for (let i = 0; i < first - series.start; i++) if (Number.isFinite(p[i])) last = p[i];
  const out = new Float64Array(len);
  let firstKnown = NaN;
  for (let t = 0; t < len; t++) {
    const i = first - series.start + t;
    if (i < lastHist && Number.isFinite(p[i])) last = p[i];
    out[t] = last;
    if (Number.isNaN(firstKnown) && Number.isFinite(last)) firstKnown = last;
  }
  if (Number.isNaN(firstKnown)) return undefined;
  for (let t = 0; t < len && Number.isNaN(out[t]); t++) out[t] = firstKnown;
  return out;
}
