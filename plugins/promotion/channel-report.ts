// A channel report (直通车 / 钻展 / 淘宝客… exported as CSV, one row a day) checked whole before anything is
// written: every row is read, every problem reported with its line and column in both languages, and
// only a report without one yields the plan's figures — the totals of its days.
import { parseCsv } from './csv.ts';
import { FIGURES, type Figure } from './plan.ts';
import { name, type Bilingual } from './names.ts';

/** A year of days and then some; a report longer than this is not a channel's report for one plan. */
export const MAX_ROWS = 1000;
/** Problems reported at most; the count says how many more there were. */
export const MAX_PROBLEMS = 100;

export type Column = 'date' | Figure;

/** The headers accepted for each column (compared without case or spaces), Chinese first. */
export const HEADERS: Record<Column, string[]> = {
  date: ['日期', 'date', 'day'],
  spend: ['花费', '消耗', 'spend', 'cost'],
  impressions: ['展现', '展现量', 'impressions'],
  clicks: ['点击', '点击量', 'clicks'],
  visitors: ['访客', '访客数', 'visitors', 'uv'],
  orders: ['成交笔数', 'orders'],
  revenue: ['成交金额', 'revenue', 'gmv'],
};

const COUNTS: readonly Figure[] = ['impressions', 'clicks', 'visitors', 'orders'];

export interface ReportProblem {
  line: number;
  /** The header of the column as written in the file, when the problem is one cell's. */
  column?: string;
  message: Bilingual;
}

export type ReportCheck =
  | { ok: true; days: number; totals: Partial<Record<Figure, number>>; ignoredColumns: string[] }
  | { ok: false; problems: ReportProblem[]; more: number };

const normal = (header: string) => header.replace(/\s+/g, '').toLowerCase();

/** 2026-05-01, 2026/5/1 or 20260501, as an ISO date when it is a real day. */
function isoDay(text: string): string | undefined {
  const match = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/.exec(text) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return date.toISOString().slice(0, 10);
}

/** 1234, 1234.5, 1,234.50 or ¥1,234.50; undefined for anything else. */
function amount(text: string): number | undefined {
  const plain = text.replace(/^[¥￥]/, '');
  if (!/^(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$/.test(plain)) return undefined;
  return Number(plain.replace(/,/g, ''));
}

function cellProblem(column: Column, value: number): Bilingual | undefined {
  if (COUNTS.includes(column as Figure) && !Number.isInteger(value)) return name('应为整数', 'expected a whole number');
  if ((column === 'spend' || column === 'revenue') && Math.abs(value * 100 - Math.round(value * 100)) > 1e-6)
    return name('金额最多两位小数', 'expected an amount with at most 2 decimals');
  return undefined;
}

/**
 * Checks a channel report for a plan running `from`–`to` (ISO dates, both included). Columns: a date and
 * the spend are required, the other figures optional (a figure the report lacks is left as it is);
 * columns with other headers are ignored and listed.
 */
export function checkChannelReport(text: string, plan: { from: string; to: string }): ReportCheck {
  const problems: ReportProblem[] = [];
  let more = 0;
  const report = (problem: ReportProblem) => {
    if (problems.length < MAX_PROBLEMS) problems.push(problem);
    else more++;
  };
  const fail = () => ({ ok: false as const, problems, more });
  const parsed = parseCsv(text);
  if ('unclosedQuoteAt' in parsed) {
    report({
      line: parsed.unclosedQuoteAt,
      message: name('引号未闭合:从这一行开始的引号到文件末尾都没有结束', 'A quote opened on this line is never closed'),
    });
    return fail();
  }
  const [header, ...rows] = parsed.records;
  if (!header) {
    report({ line: 1, message: name('文件是空的', 'The file is empty') });
    return fail();
  }
  if (rows.length > MAX_ROWS) {
    report({
      line: rows[MAX_ROWS]!.line,
      message: name(`行数过多:最多 ${MAX_ROWS} 行数据`, `Too many rows: at most ${MAX_ROWS} data rows`),
    });
    return fail();
  }

  const columns = new Map<Column, number>();
  const ignoredColumns: string[] = [];
  header.cells.forEach((cell, index) => {
    const column = (Object.keys(HEADERS) as Column[]).find((key) => HEADERS[key].includes(normal(cell)));
    if (!column) {
      if (cell.trim() !== '') ignoredColumns.push(cell.trim());
    } else if (columns.has(column)) {
      report({
        line: header.line,
        column: cell.trim(),
        message: name('列重复出现', 'This column appears twice'),
      });
    } else columns.set(column, index);
  });
  for (const required of ['date', 'spend'] as const) {
    if (!columns.has(required))
      report({
        line: header.line,
        message: name(
          `缺少「${HEADERS[required][0]}」列(可写作 ${HEADERS[required].join(' / ')})`,
          `The ${required} column is missing (headed ${HEADERS[required].join(' / ')})`,
        ),
      });
  }
  if (problems.length) return fail();
  if (rows.length === 0) {
    report({ line: header.line, message: name('只有表头,没有数据行', 'There is a header but no rows') });
    return fail();
  }

  const totals: Partial<Record<Figure, number>> = {};
  const seen = new Map<string, number>();
  const headerOf = (column: Column) => header.cells[columns.get(column)!]!.trim();
  for (const row of rows) {
    if (row.cells.length > header.cells.length) {
      report({
        line: row.line,
        message: name(
          `本行有 ${row.cells.length} 个字段,表头只有 ${header.cells.length} 列(金额中的逗号需加引号)`,
          `This row has ${row.cells.length} fields but the header ${header.cells.length} (quote amounts that contain commas)`,
        ),
      });
      continue;
    }
    const cellOf = (column: Column) => (row.cells[columns.get(column)!] ?? '').trim();
    const day = isoDay(cellOf('date'));
    if (!day)
      report({
        line: row.line,
        column: headerOf('date'),
        message: name(
          `「${cellOf('date')}」不是日期,应写作 2026-05-01`,
          `"${cellOf('date')}" is not a date like 2026-05-01`,
        ),
      });
    else if (day < plan.from || day > plan.to)
      report({
        line: row.line,
        column: headerOf('date'),
        message: name(
          `${day} 不在计划周期 ${plan.from} 至 ${plan.to} 内`,
          `${day} is outside the plan's period ${plan.from} to ${plan.to}`,
        ),
      });
    else if (seen.has(day))
      report({
        line: row.line,
        column: headerOf('date'),
        message: name(`${day} 已在第 ${seen.get(day)} 行出现`, `${day} already appears on line ${seen.get(day)}`),
      });
    else seen.set(day, row.line);
    const values: Partial<Record<Figure, number>> = {};
    for (const figure of FIGURES) {
      if (!columns.has(figure)) continue;
      const text = cellOf(figure);
      const value = amount(text);
      const problem =
        value === undefined
          ? text === ''
            ? name('此项为空,没有时请填 0', 'This cell is empty; write 0 for none')
            : name(`「${text}」不是非负数字`, `"${text}" is not a number of 0 or more`)
          : cellProblem(figure, value);
      if (problem) report({ line: row.line, column: headerOf(figure), message: problem });
      else values[figure] = value!;
    }
    if (values.clicks !== undefined && values.impressions !== undefined && values.clicks > values.impressions)
      report({
        line: row.line,
        column: headerOf('clicks'),
        message: name('点击量大于展现量', 'More clicks than impressions'),
      });
    for (const [figure, value] of Object.entries(values) as [Figure, number][])
      totals[figure] = (totals[figure] ?? 0) + value;
  }
  if (problems.length) return fail();
  // Money adds up in cents, so 0.1 + 0.2 stays 0.30.
  for (const figure of ['spend', 'revenue'] as const)
    if (totals[figure] !== undefined) totals[figure] = Math.round(totals[figure] * 100) / 100;
  return { ok: true, days: rows.length, totals, ignoredColumns };
}
