import { describe, expect, it } from 'vitest';
import { dayFromYmd, dayOfWeek } from '../../../pipelines/dates.js';
import {
  arrivalDay,
  dayWithWeekday,
  EVERY_DAY,
  firstOrderDay,
  formatCutoff,
  latestOrderDay,
  parseCutoff,
  parseWeekdays,
  weekdayNames,
} from '../../../pipelines/replenish/delivery.js';

const TUE = 1 << 1;
const FRI = 1 << 4;
// 2016-03-28 was a Monday
const MON = dayFromYmd(2016, 3, 28);

describe('parseWeekdays', () => {
  it('reads names, ISO numbers, ranges and every-day words', () => {
    expect(dayOfWeek(MON)).toBe(0);
    expect(parseWeekdays('Tue/Fri')).toBe(TUE | FRI);
    expect(parseWeekdays('tuesday, friday')).toBe(TUE | FRI);
    expect(parseWeekdays('2;5')).toBe(TUE | FRI);
    expect(parseWeekdays('Tue and Fri')).toBe(TUE | FRI);
    expect(parseWeekdays('Mon-Fri')).toBe(0b0011111);
    expect(parseWeekdays('mon - wed')).toBe(0b0000111);
    expect(parseWeekdays('Fri-Mon')).toBe(FRI | (1 << 5) | (1 << 6) | 1); // wraps over the weekend
    expect(parseWeekdays('daily')).toBe(EVERY_DAY);
    expect(parseWeekdays('every day')).toBe(EVERY_DAY);
  });
  it('refuses what is not a weekday', () => {
    expect(parseWeekdays('Tue/Frx')).toBeNaN();
    expect(parseWeekdays('8')).toBeNaN();
    expect(parseWeekdays('')).toBeNaN();
  });
  it('names a mask back', () => {
    expect(weekdayNames(TUE | FRI)).toBe('Tue/Fri');
    expect(weekdayNames(EVERY_DAY)).toBe('every day');
  });
});

describe('parseCutoff', () => {
  it('reads 24-hour and am/pm times', () => {
    expect(parseCutoff('14:00')).toBe(840);
    expect(parseCutoff('9:30')).toBe(570);
    expect(parseCutoff('14.15')).toBe(855);
    expect(parseCutoff('2pm')).toBe(840);
    expect(parseCutoff('2:30 PM')).toBe(870);
    expect(parseCutoff('12am')).toBe(0);
    expect(parseCutoff('noon')).toBe(720);
    expect(parseCutoff('midnight')).toBe(1440);
    expect(formatCutoff(840)).toBe('14:00');
  });
  it('refuses what is not a time', () => {
    expect(parseCutoff('25:00')).toBeNaN();
    expect(parseCutoff('13pm')).toBeNaN();
    expect(parseCutoff('14:75')).toBeNaN();
    expect(parseCutoff('soon')).toBeNaN();
  });
});

describe('arrivalDay and latestOrderDay (hand-computed calendar)', () => {
  const tueFri = { weekdays: TUE | FRI, cutoffMinutes: 12 * 60 };
  it('delivers on the first delivery weekday on or after order day + lead time', () => {
    // Monday + 2 = Wednesday -> Friday
    expect(arrivalDay(MON, 2, tueFri)).toBe(MON + 4);
    // Monday + 1 = Tuesday, a delivery day
    expect(arrivalDay(MON, 1, tueFri)).toBe(MON + 1);
    // Friday + 0 = Friday
    expect(arrivalDay(MON + 4, 0, tueFri)).toBe(MON + 4);
    expect(arrivalDay(MON, 3)).toBe(MON + 3);
  });
  it('an order after the cut-off on a delivery weekday counts from the next day', () => {
    // Tuesday 13:00, cut-off 12:00, lead time 0: Tuesday's delivery is missed -> Friday
    const tue = MON + 1;
    expect(firstOrderDay(tue, tueFri, 13 * 60)).toBe(tue + 1);
    expect(arrivalDay(firstOrderDay(tue, tueFri, 13 * 60), 0, tueFri)).toBe(MON + 4);
    // before the cut-off it still arrives that Tuesday
    expect(arrivalDay(firstOrderDay(tue, tueFri, 11 * 60), 0, tueFri)).toBe(tue);
    expect(firstOrderDay(tue, { weekdays: EVERY_DAY }, 23 * 60)).toBe(tue);
  });
  it('finds the latest order day that still arrives by a need day', () => {
    // need by next Monday (MON + 7); deliveries Tue/Fri, lead 2: last delivery <= Mon is Fri (MON + 4) -> order Wed (MON + 2)
    expect(latestOrderDay(MON + 7, 2, tueFri, MON)).toBe(MON + 2);
    expect(arrivalDay(MON + 2, 2, tueFri)).toBe(MON + 4);
    expect(arrivalDay(MON + 3, 2, tueFri)).toBe(MON + 8); // a day later misses it
    // need by Tuesday with lead 5 from Monday: too late
    expect(latestOrderDay(MON + 1, 5, tueFri, MON)).toBeNull();
  });
  it('says the weekday with the date', () => {
    expect(dayWithWeekday(MON + 1)).toBe('Tue 2016-03-29');
  });
  it('checks its inputs', () => {
    expect(() => arrivalDay(MON, -1)).toThrow(/lead time/);
    expect(() => arrivalDay(MON, 1, { weekdays: 0 })).toThrow(/delivery weekday/);
  });
});
