// Public-holiday lists (roles/calendars/*.yaml): load and check one, merge it into business_hours, and
// `merge <list> <org.yaml>` to write it into a roles file without touching the rest of the file.
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { isMap, isScalar, isSeq, type Node, type Pair, type YAMLMap } from 'yaml';
import { z } from 'zod';
import { formatOrgError, formatPath, type OrgError, type PathSegment } from '../org/org-error.ts';
import { suggest } from '../org/suggest.ts';
import { locate, parseRolesYaml, type ParsedFile } from '../org/yaml-source.ts';
import type { BusinessHours } from './business-hours.ts';

// One message per bad date: the shape first, then whether the day exists (no 30 February).
const date = z.string().superRefine((text, ctx) => {
  const time = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/.test(text) ? Date.parse(`${text}T00:00:00Z`) : NaN;
  if (Number.isNaN(time)) ctx.addIssue({ code: 'custom', message: 'expected a date YYYY-MM-DD' });
  else if (!new Date(time).toISOString().startsWith(text))
    ctx.addIssue({ code: 'custom', message: 'not a calendar date' });
});

const holidayListSchema = z
  .strictObject({
    year: z.number().int().min(1900).max(2999),
    region: z.string().regex(/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/, 'expected an ISO 3166 code, e.g. CN'),
    source: z.string().optional(),
    holidays: z.array(date).min(1),
    workdays: z.array(date).default([]),
    /** A label per date; `merge` writes it as the comment beside each date it adds. */
    names: z.record(date, z.string().min(1)).optional(),
  })
  .superRefine((list, ctx) => {
    const problem = (path: PathSegment[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    const seen = new Map<string, string>();
    for (const key of ['holidays', 'workdays'] as const) {
      list[key].forEach((day, index) => {
        // One year per file keeps a copied-over 2025 date from slipping into the 2026 list.
        if (!day.startsWith(`${list.year}-`)) problem([key, index], `${day} is not in ${list.year}`);
        const earlier = seen.get(day);
        if (earlier)
          problem(
            [key, index],
            earlier === key ? `${day} is listed twice` : `${day} is listed in both holidays and workdays`,
          );
        seen.set(day, key);
      });
    }
    for (const day of Object.keys(list.names ?? {})) {
      if (!seen.has(day)) problem(['names', day], `${day} is in neither holidays nor workdays`);
    }
  });

export type HolidayList = z.output<typeof holidayListSchema>;

/** A list or roles file that cannot be used; `errors` say where, as the roles validator does. */
export class HolidayFileError extends Error {
  constructor(readonly errors: OrgError[]) {
    super(errors.map(formatOrgError).join('\n'));
    this.name = 'HolidayFileError';
  }
}

/** Parses and checks a holiday list; `name` is the file name errors show. */
export function parseHolidayList(text: string, name: string): { list?: HolidayList; errors: OrgError[] } {
  const { parsed, errors } = parseRolesYaml({ name, text });
  if (!parsed) return { errors };
  const result = holidayListSchema.safeParse(parsed.data ?? {});
  if (result.success) return { list: result.data, errors: [] };
  const allowed = Object.keys(holidayListSchema.shape);
  // A misspelt key is one mistake: report it with its "did you mean", not also the key it should be as missing.
  const typoed = new Set(
    result.error.issues.flatMap((issue) =>
      issue.code === 'unrecognized_keys' ? issue.keys.map((key) => suggest(key, allowed)) : [],
    ),
  );
  return {
    errors: result.error.issues.flatMap((issue): OrgError[] => {
      const path = issue.path as PathSegment[];
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((key) => {
          const suggestion = suggest(key, allowed);
          const message = `unknown key "${key}"; allowed here: ${allowed.join(', ')}`;
          return {
            ...position(parsed, path, key),
            path: formatPath([...path, key]),
            kind: 'unknown_key',
            message,
            ...(suggestion ? { suggestion } : {}),
          };
        });
      }
      const missing = path.length === 1 && (parsed.data as Record<string, unknown> | null)?.[path[0]!] === undefined;
      if (missing && typoed.has(String(path[0]))) return [];
      const message = missing ? `"${String(path[0])}" is required` : issue.message.replace(/^Invalid input: /, '');
      return [{ ...position(parsed, missing ? [] : path), path: formatPath(path), kind: 'schema', message }];
    }),
  };
}

function position(parsed: ParsedFile, path: PathSegment[], key?: string) {
  return { file: parsed.name, ...locate(parsed, path, key) };
}

/** Reads a holiday list such as roles/calendars/cn-2026.yaml; throws HolidayFileError with file:line:column. */
export function loadHolidayList(file: string): HolidayList {
  const { list, errors } = parseHolidayList(readFileSync(file, 'utf8'), path.relative(process.cwd(), file) || file);
  if (!list) throw new HolidayFileError(errors);
  return list;
}

const sortedUnique = (dates: Iterable<string>) => [...new Set(dates)].sort();

type DateLists = { holidays: string[]; workdays: string[] };

/** The organisation's lists with the list's dates added; its own entries win where the two disagree. */
function mergeDates(own: Partial<DateLists>, list: HolidayList): DateLists {
  const [holidays, workdays] = [own.holidays ?? [], own.workdays ?? []];
  return {
    holidays: sortedUnique([...holidays, ...list.holidays.filter((day) => !workdays.includes(day))]),
    workdays: sortedUnique([...workdays, ...list.workdays.filter((day) => !holidays.includes(day))]),
  };
}

/**
 * business_hours with the list's dates added, deduplicated and sorted. The organisation's own entries
 * win: a date it lists as a workday stays one even if the list calls it a holiday, and the other way round.
 */
export function mergeIntoBusinessHours(businessHours: BusinessHours, list: HolidayList): BusinessHours {
  return { ...businessHours, ...mergeDates(businessHours, list) };
}

export interface OrgFileMerge {
  text: string;
  added: { holidays: string[]; workdays: string[] };
  /** List dates left out because the organisation already lists them the other way. */
  keptOwn: string[];
}

const KEYS = ['holidays', 'workdays'] as const;

/**
 * Writes the list into the `organization.business_hours` of a roles file's text. Only the two lists
 * change: new dates become new lines (with their names as comments) in an existing block list, a
 * flow list `[…]` becomes a block list, and every other byte, comments included, stays as it was.
 */
export function mergeIntoOrgYaml(text: string, name: string, list: HolidayList): OrgFileMerge {
  const { parsed, errors } = parseRolesYaml({ name, text });
  if (!parsed) throw new HolidayFileError(errors);
  const fail = (path: PathSegment[], message: string): never => {
    throw new HolidayFileError([{ ...position(parsed, path), path: formatPath(path), kind: 'schema', message }]);
  };
  const hoursPath = ['organization', 'business_hours'];
  const hoursNode = parsed.doc.getIn(hoursPath, true);
  if (!isMap(hoursNode))
    fail(hoursPath, 'no organization.business_hours in this file: add days, from and to first, then merge');
  const hours = hoursNode as YAMLMap;
  if (hours.flow)
    fail(hoursPath, 'business_hours is written as {…} on one line: write it as a block, or copy the dates by hand');
  const data = parsed.data as { organization: { business_hours: Record<string, unknown> } };
  const current = data.organization.business_hours;
  for (const key of KEYS) {
    const value = current[key];
    if (value != null && !(Array.isArray(value) && value.every((day) => typeof day === 'string')))
      fail([...hoursPath, key], 'expected a list of dates');
  }
  const own: DateLists = {
    holidays: (current.holidays ?? []) as string[],
    workdays: (current.workdays ?? []) as string[],
  };
  const merged = mergeDates(own, list);

  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const edits: { start: number; end: number; text: string }[] = [];
  const added = { holidays: [] as string[], workdays: [] as string[] };
  for (const key of KEYS) {
    added[key] = merged[key].filter((day) => !own[key].includes(day));
    if (added[key].length === 0) continue;
    const pair = hours.items.find((item) => isScalar(item.key) && item.key.value === key);
    const refuse = (message: string) => fail([...hoursPath, key], message);
    edits.push(...listEdits(text, eol, hours, pair, key, added[key], merged[key], list.names ?? {}, refuse));
  }
  // Right to left, so earlier offsets stay valid; edits at one offset keep their order (holidays first).
  let result = text;
  for (const edit of edits
    .map((edit, order) => ({ ...edit, order }))
    .sort((a, b) => b.start - a.start || b.order - a.order)) {
    result = result.slice(0, edit.start) + edit.text + result.slice(edit.end);
  }
  checkResult(parsed, result, merged);
  const keptOwn = [
    ...list.holidays.filter((day) => own.workdays.includes(day)),
    ...list.workdays.filter((day) => own.holidays.includes(day)),
  ];
  return { text: result, added, keptOwn: sortedUnique(keptOwn) };
}

const lineStart = (text: string, offset: number) => text.lastIndexOf('\n', offset - 1) + 1;
const lineEnd = (text: string, offset: number) => {
  const end = text.indexOf('\n', offset);
  return end === -1 ? text.length : end > 0 && text[end - 1] === '\r' ? end - 1 : end;
};
/** The offset where the next line begins, adding a line break when the text ends without one. */
const nextLine = (text: string, offset: number, eol: string) => {
  const end = text.indexOf('\n', offset);
  return end === -1 ? { at: text.length, prefix: eol } : { at: end + 1, prefix: '' };
};

function listEdits(
  text: string,
  eol: string,
  hours: YAMLMap,
  pair: Pair | undefined,
  key: string,
  added: string[],
  merged: string[],
  names: Record<string, string>,
  refuse: (message: string) => never,
): { start: number; end: number; text: string }[] {
  const line = (indent: number, day: string, quote: string, commentColumn?: number) => {
    const item = `${' '.repeat(indent)}- ${quote}${day}${quote}`;
    const label = names[day];
    if (!label) return item + eol;
    return `${item.padEnd(Math.max(commentColumn ?? 0, item.length + 2))}# ${label}${eol}`;
  };
  const value = pair?.value as Node | null | undefined;
  if (isSeq(value) && !value.flow && value.items.length > 0) {
    // Insert new lines among the existing ones, before the first later date (and before the comment
    // lines that sit directly above it, which belong to it).
    const items = value.items as Node[];
    const first = items[0]!;
    const firstLine = text.slice(lineStart(text, first.range![0]), lineEnd(text, first.range![0]));
    const indent = /^(\s*)-/.exec(firstLine)?.[1]?.length ?? 0;
    const quote = isScalar(first)
      ? first.type === 'QUOTE_DOUBLE'
        ? '"'
        : first.type === 'QUOTE_SINGLE'
          ? "'"
          : ''
      : '"';
    const commentColumn = items
      .map((item) =>
        text
          .slice(lineStart(text, item.range![0]), lineEnd(text, item.range![0]))
          .indexOf('#', item.range![1] - lineStart(text, item.range![0])),
      )
      .find((column) => column > 0);
    const groups = new Map<number, string[]>();
    for (const day of added) {
      const before = items.findIndex((item) => isScalar(item) && String(item.value) > day);
      groups.set(before, [...(groups.get(before) ?? []), day]);
    }
    return [...groups].map(([before, days]) => {
      const lines = days.map((day) => line(indent, day, quote, commentColumn)).join('');
      if (before === -1) {
        const { at, prefix } = nextLine(text, items.at(-1)!.range![1], eol);
        return { start: at, end: at, text: prefix + lines };
      }
      let at = lineStart(text, items[before]!.range![0]);
      while (at > 0) {
        const above = text.slice(lineStart(text, at - 1), lineEnd(text, at - 1));
        if (!/^\s*#/.test(above) || /^\s*/.exec(above)![0].length < indent) break;
        at = lineStart(text, at - 1);
      }
      return { start: at, end: at, text: lines };
    });
  }
  if (pair && !(value == null || isSeq(value) || (isScalar(value) && value.value === null))) {
    refuse('expected a list of dates');
  }
  // No list yet, an empty one, or a flow list: write the whole (merged) list as a block after the key.
  const keyNode = (pair?.key ?? hours.items[0]?.key) as Node;
  const keyIndent = keyNode.range![0] - lineStart(text, keyNode.range![0]);
  const body = merged.map((day) => line(keyIndent + 2, day, '"')).join('');
  if (!pair) {
    const last = hours.items.at(-1)!;
    const { at, prefix } = nextLine(text, ((last.value ?? last.key) as Node).range![1] - 1, eol);
    return [{ start: at, end: at, text: `${prefix}${' '.repeat(keyIndent)}${key}:${eol}${body}` }];
  }
  const edits: { start: number; end: number; text: string }[] = [];
  let after = keyNode.range![1];
  if (value?.range && value.range[1] > value.range[0]) {
    const source = text.slice(value.range[0], value.range[1]);
    if (source.includes('#')) refuse('has comments inside […], which merging would lose: copy the dates by hand');
    // Take the blanks before it too, and any after it when nothing else follows: `key:` then the comment, if any.
    const start = value.range[0] - /[ \t]*$/.exec(text.slice(0, value.range[0]))![0].length;
    const end =
      text.slice(value.range[1], lineEnd(text, value.range[1])).trim() === ''
        ? lineEnd(text, value.range[1])
        : value.range[1];
    edits.push({ start, end, text: '' });
    after = value.range[1];
  }
  const { at, prefix } = nextLine(text, after, eol);
  edits.push({ start: at, end: at, text: prefix + body });
  return edits;
}

/** Refuses to hand back a file whose data differs from the original other than by the merged lists. */
function checkResult(before: ParsedFile, text: string, merged: DateLists): void {
  const { parsed, errors } = parseRolesYaml({ name: before.name, text });
  if (!parsed) throw new Error(`merge produced unreadable YAML (a bug): ${errors.map(formatOrgError).join('; ')}`);
  const strip = (data: unknown) => {
    const copy = structuredClone(data) as { organization: { business_hours: Record<string, unknown> } };
    const hours = copy.organization.business_hours;
    const lists = KEYS.map((key) => sortedUnique((hours[key] ?? []) as string[]));
    for (const key of KEYS) delete hours[key];
    return { copy, lists };
  };
  const [was, now] = [strip(before.data), strip(parsed.data)];
  const expected = KEYS.map((key) => merged[key]);
  if (!isDeepStrictEqual(was.copy, now.copy) || !isDeepStrictEqual(now.lists, expected)) {
    throw new Error('merge would change more than business_hours.holidays/workdays (a bug): the file was left alone');
  }
}

const USAGE = 'usage: node --import tsx core/time/holidays.ts merge [--dry-run] <holiday-list.yaml> <org.yaml>';

function main(args: string[]): number {
  const dryRun = args.includes('--dry-run');
  const [command, listFile, orgFile, ...extra] = args.filter((arg) => arg !== '--dry-run');
  if (command !== 'merge' || !listFile || !orgFile || extra.length > 0) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  try {
    const list = loadHolidayList(listFile);
    const name = path.relative(process.cwd(), orgFile) || orgFile;
    const result = mergeIntoOrgYaml(readFileSync(orgFile, 'utf8'), name, list);
    const { holidays, workdays } = result.added;
    const changed = holidays.length + workdays.length > 0;
    if (dryRun) process.stdout.write(result.text);
    else if (changed) {
      // Write beside it and rename, so an interrupted run cannot leave half a file.
      writeFileSync(`${orgFile}.tmp`, result.text, { mode: statSync(orgFile).mode });
      renameSync(`${orgFile}.tmp`, orgFile);
    }
    const summary = `${name}: ${dryRun ? 'would add' : 'added'} ${holidays.length} holiday(s) and ${workdays.length} workday(s) from ${listFile} (${list.region} ${list.year})`;
    const kept = result.keptOwn.map(
      (day) => `  kept the organisation's own entry for ${day} (the list has it the other way)`,
    );
    const check = changed && !dryRun ? [`check it: npm run -s roles -- validate ${path.dirname(name)}`] : [];
    process.stderr.write(`${[summary, ...kept, ...check].join('\n')}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return error instanceof HolidayFileError ? 1 : 2;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = main(process.argv.slice(2));
}
