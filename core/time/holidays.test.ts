import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { businessCalendar, type BusinessHours } from './business-hours.ts';
import {
  HolidayFileError,
  loadHolidayList,
  mergeIntoBusinessHours,
  mergeIntoOrgYaml,
  parseHolidayList,
  type HolidayList,
} from './holidays.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const CN_2026 = path.join(root, 'roles/calendars/cn-2026.yaml');
const ORG_YAML = path.join(root, 'roles/org.yaml');

/** Every date from `first` to `last`, inclusive. */
function range(first: string, last: string): string[] {
  const dates: string[] = [];
  for (let t = Date.parse(`${first}T00:00:00Z`); t <= Date.parse(`${last}T00:00:00Z`); t += 86_400_000)
    dates.push(new Date(t).toISOString().slice(0, 10));
  return dates;
}

const errorsOf = (text: string) => parseHolidayList(text, 'cal.yaml').errors;

describe('the 2026 mainland China list', () => {
  const list = loadHolidayList(CN_2026);

  it('has the breaks and make-up days of the State Council notice of 2025-11-04', () => {
    expect(list).toMatchObject({ year: 2026, region: 'CN' });
    expect(list.holidays).toEqual([
      ...range('2026-01-01', '2026-01-03'), // 元旦
      ...range('2026-02-15', '2026-02-23'), // 春节
      ...range('2026-04-04', '2026-04-06'), // 清明节
      ...range('2026-05-01', '2026-05-05'), // 劳动节
      ...range('2026-06-19', '2026-06-21'), // 端午节
      ...range('2026-09-25', '2026-09-27'), // 中秋节
      ...range('2026-10-01', '2026-10-07'), // 国庆节
    ]);
    expect(list.workdays).toEqual(['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10']);
    for (const day of list.workdays) expect([0, 6]).toContain(new Date(`${day}T00:00:00Z`).getUTCDay());
    expect(Object.keys(list.names ?? {}).sort()).toEqual([...list.holidays, ...list.workdays].sort());
  });

  it('leaves 248 working days in 2026: 365, less 104 weekend days and 13 statutory holidays', () => {
    const hours = mergeIntoBusinessHours(
      { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '18:00' },
      list,
    );
    const calendar = businessCalendar(hours, 'Asia/Shanghai');
    expect(range('2026-01-01', '2026-12-31').filter((day) => calendar.isBusinessDay(day))).toHaveLength(248);
    expect(calendar.isBusinessDay('2026-02-14')).toBe(true); // Saturday before 春节
    expect(calendar.isBusinessDay('2026-02-16')).toBe(false); // Monday, 除夕
  });
});

describe('loading a holiday list', () => {
  it('accepts a minimal list and defaults workdays to none', () => {
    expect(parseHolidayList('year: 2026\nregion: CN\nholidays: [2026-10-01]\n', 'cal.yaml')).toEqual({
      list: { year: 2026, region: 'CN', holidays: ['2026-10-01'], workdays: [] },
      errors: [],
    });
  });

  it('points at each impossible date, date of another year, and date listed twice', () => {
    const errors = errorsOf(
      'year: 2026\nregion: CN\nholidays:\n  - "2026-02-30"\n  - "2025-10-01"\n  - "2026-10-02"\nworkdays: ["2026-10-02", "2026-10-10", "2026-10-10"]\n',
    );
    expect(errors.map((e) => `${e.line}:${e.column} ${e.kind} ${e.path}: ${e.message}`)).toEqual([
      '4:5 schema holidays[0]: not a calendar date',
      '5:5 schema holidays[1]: 2025-10-01 is not in 2026',
      '7:12 schema workdays[0]: 2026-10-02 is listed in both holidays and workdays',
      '7:40 schema workdays[2]: 2026-10-10 is listed twice',
    ]);
  });

  it('reports a misspelt key once, with a suggestion', () => {
    const errors = errorsOf('year: 2026\nregion: CN\nholiday: [2026-10-01]\n');
    expect(errors).toEqual([
      expect.objectContaining({
        file: 'cal.yaml',
        line: 3,
        column: 1,
        kind: 'unknown_key',
        path: 'holiday',
        suggestion: 'holidays',
      }),
    ]);
  });

  it('reports missing keys, wrong types, and names for dates not in the lists', () => {
    const errors = errorsOf('region: china\nholidays: [2026-10-01]\nnames: {"2026-10-09": 国庆节}\n');
    expect(errors.map((e) => `${e.line}:${e.column} ${e.path}: ${e.message}`)).toEqual([
      '1:1 year: "year" is required',
      '1:9 region: expected an ISO 3166 code, e.g. CN',
    ]);
    expect(
      errorsOf('year: 2026\nregion: CN\nholidays: [2026-10-01]\nnames: {"2026-10-09": 国庆节}\n').map((e) => e.message),
    ).toEqual(['2026-10-09 is in neither holidays nor workdays']);
  });

  it('reports YAML mistakes and duplicate keys as yaml_syntax', () => {
    expect(errorsOf('year: 2026\nholidays: [2026-10-01\n')[0]).toMatchObject({ kind: 'yaml_syntax', line: 2 });
    expect(errorsOf('year: 2026\nyear: 2027\n')[0]).toMatchObject({ kind: 'yaml_syntax', line: 2 });
  });

  it('throws file:line:column from loadHolidayList', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'holidays-')), 'bad.yaml');
    writeFileSync(file, 'year: 2026\nregion: CN\nholidays: ["2026-13-01"]\n');
    expect(() => loadHolidayList(file)).toThrow(HolidayFileError);
    expect(() => loadHolidayList(file)).toThrow(/bad\.yaml:3:12 schema holidays\[0\]: expected a date YYYY-MM-DD/);
  });
});

const LIST: HolidayList = {
  year: 2026,
  region: 'CN',
  holidays: ['2026-10-02', '2026-10-01', '2026-10-03'],
  workdays: ['2026-10-10', '2026-09-20'],
  names: { '2026-10-01': '国庆节', '2026-10-02': '国庆节', '2026-10-03': '国庆节', '2026-09-20': '调休上班' },
};

describe('merging into business_hours', () => {
  it('adds the dates, deduplicated and sorted, and keeps days and hours', () => {
    const hours: BusinessHours = {
      days: ['mon', 'tue'],
      from: '09:00',
      to: '18:00',
      holidays: ['2026-12-25', '2026-10-01'],
    };
    expect(mergeIntoBusinessHours(hours, LIST)).toEqual({
      days: ['mon', 'tue'],
      from: '09:00',
      to: '18:00',
      holidays: ['2026-10-01', '2026-10-02', '2026-10-03', '2026-12-25'],
      workdays: ['2026-09-20', '2026-10-10'],
    });
  });

  it('lets the organisation’s own entries win where the list says the opposite', () => {
    const hours: BusinessHours = {
      days: ['mon'],
      from: '09:00',
      to: '18:00',
      holidays: ['2026-10-10'],
      workdays: ['2026-10-03'],
    };
    const merged = mergeIntoBusinessHours(hours, LIST);
    expect(merged.holidays).toEqual(['2026-10-01', '2026-10-02', '2026-10-10']);
    expect(merged.workdays).toEqual(['2026-09-20', '2026-10-03']);
  });
});

/** A roles file in the style of roles/org.yaml, with aligned comments and a one-line workdays list. */
const SHOP = [
  '# Demo shop',
  'version: 1',
  '',
  'organization:',
  '  id: shop',
  '  timezone: Asia/Shanghai',
  '  business_hours:                # office hours',
  '    days: [mon, tue, wed, thu, fri]',
  '    from: "09:00"',
  '    to: "18:00"',
  '    # Check these against the notice each year.',
  '    holidays:',
  '      - "2026-09-25"             # 中秋节 Mid-Autumn Festival',
  '      - "2026-10-01"             # 国庆节 National Day',
  '    workdays: ["2026-09-20", "2026-10-10"]   # worked in exchange',
  '',
  'policies:',
  '  max_claim_cny: 200             # alone',
  '',
].join('\n');

describe('merging into a roles file', () => {
  const hoursOf = (text: string) =>
    parseDocument(text).getIn(['organization', 'business_hours']) as { toJSON(): BusinessHours };
  const cn2026 = loadHolidayList(CN_2026);

  it('adds the new dates as lines with their names, and turns a one-line list into a block', () => {
    const { text, added, keptOwn } = mergeIntoOrgYaml(SHOP, 'org.yaml', cn2026);
    expect(hoursOf(text).toJSON()).toEqual(mergeIntoBusinessHours(hoursOf(SHOP).toJSON(), cn2026));
    expect(added.holidays).toHaveLength(31);
    expect(added.workdays).toEqual(['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09']);
    expect(keptOwn).toEqual([]);
    expect(text).toContain('    holidays:\n      - "2026-01-01"             # 元旦\n');
    expect(text).toContain(
      '      - "2026-09-25"             # 中秋节 Mid-Autumn Festival\n      - "2026-09-26"             # 中秋节\n',
    );
    expect(text).toContain(
      '      - "2026-10-01"             # 国庆节 National Day\n      - "2026-10-02"             # 国庆节\n',
    );
    expect(text).toContain('    workdays:   # worked in exchange\n      - "2026-01-04"  # 元旦 调休上班\n');
    expect(text.endsWith('\npolicies:\n  max_claim_cny: 200             # alone\n')).toBe(true);
  });

  it('changes nothing in roles/org.yaml but the two lists, and nothing at all the second time', () => {
    const orgText = readFileSync(ORG_YAML, 'utf8');
    const { text } = mergeIntoOrgYaml(orgText, 'org.yaml', cn2026);
    expect(hoursOf(text).toJSON()).toEqual(mergeIntoBusinessHours(hoursOf(orgText).toJSON(), cn2026));
    // The original lines all remain, in order, except one-line lists, which become blocks.
    const lines = text.split('\n');
    let cursor = 0;
    for (const line of orgText.split('\n').filter((line) => !/^\s*(holidays|workdays): \[/.test(line))) {
      cursor = lines.indexOf(line, cursor) + 1;
      expect(cursor, `kept: ${line}`).toBeGreaterThan(0);
    }
    expect(mergeIntoOrgYaml(text, 'org.yaml', cn2026)).toEqual({
      text,
      added: { holidays: [], workdays: [] },
      keptOwn: [],
    });
  });

  it('adds missing lists at the end of business_hours, and keeps CRLF line ends', () => {
    const text =
      'version: 1\r\norganization:\r\n  id: shop\r\n  business_hours:\r\n    days: [mon]\r\n    from: "09:00"\r\n    to: "18:00"\r\npolicies: {}\r\n';
    expect(mergeIntoOrgYaml(text, 'org.yaml', LIST).text).toBe(
      'version: 1\r\norganization:\r\n  id: shop\r\n  business_hours:\r\n    days: [mon]\r\n    from: "09:00"\r\n    to: "18:00"\r\n' +
        '    holidays:\r\n      - "2026-10-01"  # 国庆节\r\n      - "2026-10-02"  # 国庆节\r\n      - "2026-10-03"  # 国庆节\r\n' +
        '    workdays:\r\n      - "2026-09-20"  # 调休上班\r\n      - "2026-10-10"\r\npolicies: {}\r\n',
    );
  });

  it('inserts above the comment lines that belong to the next date, in the list’s quoting style', () => {
    const text = [
      'organization:',
      '  business_hours:',
      '    days: [mon]',
      '    from: "09:00"',
      '    to: "18:00"',
      '    holidays:',
      '      # National Day',
      "      - '2026-10-02'",
      '      # Christmas',
      "      - '2026-12-25'",
      '    workdays: []',
      '',
    ].join('\n');
    const result = mergeIntoOrgYaml(text, 'org.yaml', LIST);
    expect(result.text).toBe(
      [
        'organization:',
        '  business_hours:',
        '    days: [mon]',
        '    from: "09:00"',
        '    to: "18:00"',
        '    holidays:',
        "      - '2026-10-01'  # 国庆节",
        '      # National Day',
        "      - '2026-10-02'",
        "      - '2026-10-03'  # 国庆节",
        '      # Christmas',
        "      - '2026-12-25'",
        '    workdays:',
        '      - "2026-09-20"  # 调休上班',
        '      - "2026-10-10"',
        '',
      ].join('\n'),
    );
    expect(result.added).toEqual({ holidays: ['2026-10-01', '2026-10-03'], workdays: ['2026-09-20', '2026-10-10'] });
  });

  it('refuses files it cannot edit safely, saying where', () => {
    const merge = (text: string) => () => mergeIntoOrgYaml(text, 'org.yaml', LIST);
    expect(merge('version: 1\norganization:\n  id: shop\n')).toThrow(
      /org\.yaml:3:3 schema organization\.business_hours: no organization\.business_hours/,
    );
    expect(merge('organization:\n  business_hours: {days: [mon], from: "09:00", to: "18:00"}\n')).toThrow(
      /written as \{…\}/,
    );
    expect(
      merge('organization:\n  business_hours:\n    holidays: ["2026-10-01", # National Day\n      "2026-10-02"]\n'),
    ).toThrow(/org\.yaml:3:15 schema organization\.business_hours\.holidays: has comments inside/);
    expect(merge('organization:\n  business_hours:\n    holidays: 2026-10-01\n')).toThrow(
      /org\.yaml:3:15 .*expected a list of dates/,
    );
    expect(merge('organization:\n  organization: 1\n  id: [\n')).toThrow(HolidayFileError);
  });
});

describe('the merge command', () => {
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'core/time/holidays.ts', ...args], { cwd: root, encoding: 'utf8' });
  const copyOfOrg = () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'holidays-')), 'org.yaml');
    writeFileSync(file, SHOP);
    return file;
  };

  it('writes the list into the file, and with --dry-run only prints the result', () => {
    const file = copyOfOrg();
    const dry = run('merge', '--dry-run', 'roles/calendars/cn-2026.yaml', file);
    expect(dry.status).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(SHOP);
    expect(dry.stderr).toMatch(
      /would add 31 holiday\(s\) and 4 workday\(s\) from roles\/calendars\/cn-2026\.yaml \(CN 2026\)/,
    );

    const real = run('merge', 'roles/calendars/cn-2026.yaml', file);
    expect(real.status).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(dry.stdout);
    expect(hoursOfFile(file).holidays).toHaveLength(33);
  }, 30_000);

  it('exits 1 with file:line:column for a bad list, and 2 when misused', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'holidays-'));
    writeFileSync(path.join(dir, 'bad.yaml'), 'year: 2026\nregion: CN\nholidays: [2026-10-01, 2026-10-01]\n');
    const bad = run('merge', path.join(dir, 'bad.yaml'), copyOfOrg());
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/bad\.yaml:3:24 schema holidays\[1\]: 2026-10-01 is listed twice/);
    expect(run('merge', 'roles/calendars/cn-2026.yaml').status).toBe(2);
  }, 30_000);
});

function hoursOfFile(file: string): BusinessHours {
  return (parseDocument(readFileSync(file, 'utf8')).toJS() as { organization: { business_hours: BusinessHours } })
    .organization.business_hours;
}
