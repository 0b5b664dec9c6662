// The festival calendar (节日营销日历): the shopping festivals a Chinese online shop plans campaigns for,
// with the days of each year's campaign. Fixed-date festivals are the platforms' own days; the run-up
// before the day is this plugin's default window, which the planner changes on the card when the
// platform announces its dates. Lunar-dated festivals come from a table per year.
import { addDays } from './china-dates.ts';
import { name, type Bilingual } from './names.ts';

/**
 * 春节 (Spring Festival, 正月初一) and 七夕 (七月初七) by the official Chinese calendar (农历) as the
 * Purple Mountain Observatory (紫金山天文台) publishes it. Kept as data, not computed with ICU's Chinese
 * calendar: ICU puts 春节 2027 on 7 February and 2030 on 2 February, a day off, because those new moons
 * fall minutes from midnight in Beijing. Add the next year here before its festivals' proposals are due.
 */
export const LUNAR_DATES: Record<number, { springFestival: string; qixi: string }> = {
  2026: { springFestival: '2026-02-17', qixi: '2026-08-19' },
  2027: { springFestival: '2027-02-06', qixi: '2027-08-08' },
  2028: { springFestival: '2028-01-26', qixi: '2028-08-26' },
  2029: { springFestival: '2029-02-13', qixi: '2029-08-16' },
  2030: { springFestival: '2030-02-03', qixi: '2030-08-05' },
};

export interface Festival {
  id: string;
  name: Bilingual;
  /** The campaign's first and last day in a year; undefined for a lunar festival whose year is not in the table. */
  days(year: number): { startsOn: string; endsOn: string } | undefined;
}

const fixed = (id: string, festivalName: Bilingual, start: string, end: string): Festival => ({
  id,
  name: festivalName,
  days: (year) => ({ startsOn: `${year}-${start}`, endsOn: `${year}-${end}` }),
});

const lunar = (
  id: string,
  festivalName: Bilingual,
  dayOf: (dates: { springFestival: string; qixi: string }) => string,
  startOffset: number,
  endOffset: number,
): Festival => ({
  id,
  name: festivalName,
  days(year) {
    const dates = LUNAR_DATES[year];
    if (!dates) return undefined;
    const day = dayOf(dates);
    return { startsOn: addDays(day, startOffset), endsOn: addDays(day, endOffset) };
  },
});

/** In the order of the year. */
export const FESTIVALS: Festival[] = [
  // Taobao/Tmall's 年货节 runs in the weeks before the Spring Festival and ends when couriers stop for it.
  lunar('new-year-goods', name('年货节', 'New Year goods festival'), (d) => d.springFestival, -24, -10),
  fixed('womens-day', name('三八女王节', "Women's Day (3.8)"), '03-01', '03-08'),
  // 618: JD's anniversary sale, now every platform's mid-year sale, building up from 1 June.
  fixed('mid-year-618', name('618 年中大促', '618 mid-year sale'), '06-01', '06-18'),
  lunar('qixi', name('七夕', 'Qixi (Chinese Valentine’s Day)'), (d) => d.qixi, -6, 0),
  // 双十一: Tmall's Singles' Day since 2009, with its pre-sale from the start of November.
  fixed('double-11', name('双十一', 'Double 11'), '11-01', '11-11'),
  fixed('double-12', name('双十二', 'Double 12'), '12-08', '12-12'),
];

export const festivalById = (id: unknown): Festival | undefined => FESTIVALS.find((festival) => festival.id === id);
