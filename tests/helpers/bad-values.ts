// Generated bad values for one input location, from the JSON Schema the OpenAPI document publishes for
// it. Body values are bad for every branch of the schema (so a request carrying one can never be a
// valid write); path and query values are strings a client can put in a URL.
import fc from 'fast-check';

export interface JsonSchema {
  type?: string | string[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  maxLength?: number;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
}

export type Segment = string | number;

/** Text no database column can take: NUL or half a surrogate pair, somewhere in ordinary text. */
export const unstorableText = fc
  .tuple(
    fc.string({ maxLength: 12 }),
    fc.constantFrom('\u0000', '\ud800', '\udbff', '\udc00', '\udfff'),
    fc.string({ maxLength: 12 }),
  )
  .map(([before, bad, after]) => `${before}${bad}${after}`);

/** Arrays nested past what any input may (32 levels), up to what JSON.stringify still writes. */
const tooDeep = fc.integer({ min: 33, max: 3000 }).map((depth) => {
  let value: unknown = [];
  for (let level = 1; level < depth; level++) value = [value];
  return value;
});

const branches = (schema: JsonSchema): JsonSchema[] =>
  (schema.anyOf ?? schema.oneOf ?? [schema]).flatMap((b) => (b.anyOf || b.oneOf ? branches(b) : [b]));

function typesOf(branch: JsonSchema): string[] {
  if (branch.type !== undefined) return [branch.type].flat();
  if (branch.const !== undefined) return [branch.const === null ? 'null' : typeof branch.const];
  if (branch.enum) return [...new Set(branch.enum.map((v) => (v === null ? 'null' : typeof v)))];
  return ['any'];
}

const jsonType = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);
const admits = (types: string[], value: unknown) =>
  types.includes('any') ||
  types.includes(jsonType(value)) ||
  (typeof value === 'number' && types.includes('integer') && Number.isInteger(value));

const KNOWN_BAD_FORMAT: Record<string, string[]> = {
  'date-time': [
    '0000-01-01T00:00:00Z',
    '0001-01-01T00:00:00+08:00',
    '10000-01-01T00:00:00Z',
    '9999-12-31T23:59:59-10:00',
    '2026-02-30T10:00:00Z',
    '2026-03-15 10:00',
  ],
  date: ['0000-01-01', '2026-02-30', '2026-3-1'],
  uuid: ['me-not-uuid', '00000000-0000-0000-0000-00000000000g'],
  email: ['not an email', 'a@b'],
  uri: ['not a url', 'javascript:alert(1)'],
};
const STRING_CANDIDATES = ['', ' ', 'not-one-of-them', '1e20', '2147483648', '-1', '0x10', '../x', 'NaN'];

function violatesString(branch: JsonSchema, value: string): boolean {
  if (!typesOf(branch).includes('string')) return true;
  if (branch.const !== undefined && value !== branch.const) return true;
  if (branch.enum && !branch.enum.includes(value)) return true;
  if (branch.pattern && !new RegExp(branch.pattern, 'u').test(value)) return true;
  if (branch.minLength !== undefined && [...value].length < branch.minLength) return true;
  if (branch.maxLength !== undefined && [...value].length > branch.maxLength) return true;
  return Boolean(branch.format && KNOWN_BAD_FORMAT[branch.format]?.includes(value));
}

function violatesNumber(branch: JsonSchema, value: number): boolean {
  const types = typesOf(branch);
  if (!types.includes('number') && !types.includes('integer')) return true;
  if (types.includes('integer') && !types.includes('number') && !Number.isInteger(value)) return true;
  return (
    (branch.minimum !== undefined && value < branch.minimum) ||
    (branch.maximum !== undefined && value > branch.maximum) ||
    (branch.exclusiveMinimum !== undefined && value <= branch.exclusiveMinimum) ||
    (branch.enum !== undefined && !branch.enum.includes(value))
  );
}

/** Values that every branch of `schema` refuses (or, for a free-form location, that the edge refuses). */
export function badBodyValues(schema: JsonSchema): fc.Arbitrary<unknown> {
  const all = branches(schema);
  const types = all.flatMap(typesOf);
  const arbitraries: fc.Arbitrary<unknown>[] = [
    unstorableText,
    unstorableText.map((key) => ({ [key]: 1 })),
    unstorableText.map((text) => [text]),
    tooDeep,
  ];
  const wrongTypes = [42, 'text', true, [], {}, null].filter((value) => !admits(types, value));
  if (wrongTypes.length) arbitraries.push(fc.constantFrom(...wrongTypes));
  if (types.some((t) => t === 'integer' || t === 'number')) {
    const numbers = [2 ** 31, 2 ** 53 + 2, 1e20, -1, 0, 0.5, -(2 ** 31) - 1].filter((n) =>
      all.every((b) => violatesNumber(b, n)),
    );
    if (numbers.length) arbitraries.push(fc.constantFrom(...numbers));
  }
  if (types.includes('string')) {
    const longest = Math.max(...all.map((b) => b.maxLength ?? 0));
    const candidates = [
      ...STRING_CANDIDATES,
      ...Object.values(KNOWN_BAD_FORMAT).flat(),
      ...(longest ? ['字'.repeat(longest + 1)] : []),
    ];
    const strings = candidates.filter((s) => all.every((b) => violatesString(b, s)));
    if (strings.length) arbitraries.push(fc.constantFrom(...strings));
  }
  return fc.oneof(...arbitraries);
}

/** Path and query values, already encoded for a URL: unstorable text, ids past every integer type, broken escapes. */
export const badUrlValues: fc.Arbitrary<string> = fc.oneof(
  unstorableText.filter((text) => text.includes('\u0000')).map((text) => encodeURIComponent(text)),
  fc.constantFrom(
    '2147483648',
    '9007199254740993',
    '99999999999999999999',
    '1e20',
    '-1',
    '0',
    '0x10',
    '1.5',
    'NaN',
    '%00',
    'a%00b',
    '%ZZ',
    '%E0%A4%A',
    '%ED%A0%80',
    'me',
    '0000-01-01T00:00:00Z',
    '10000-01-01T00:00:00Z',
    'x'.repeat(300),
  ),
);

/** Every location in a body schema: the body itself, each property, array items, and free-form entries. */
export function bodyLocations(schema: JsonSchema, path: Segment[] = []): { path: Segment[]; schema: JsonSchema }[] {
  const found = [{ path, schema }];
  for (const branch of branches(schema)) {
    for (const [name, property] of Object.entries(branch.properties ?? {}))
      found.push(...bodyLocations(property, [...path, name]));
    if (branch.additionalProperties && typeof branch.additionalProperties === 'object')
      found.push(...bodyLocations(branch.additionalProperties, [...path, 'extra']));
    if (branch.items) found.push(...bodyLocations(branch.items, [...path, 0]));
  }
  const seen = new Set<string>();
  return found.filter(({ path: p }) => !seen.has(p.join('/')) && seen.add(p.join('/')));
}

/** A copy of `base` with `value` at `path`, creating objects and arrays on the way. */
export function withValueAt(base: unknown, path: Segment[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  const container: Record<string | number, unknown> =
    typeof head === 'number'
      ? ([...((Array.isArray(base) ? base : []) as unknown[])] as never)
      : { ...((base ?? {}) as object) };
  container[head!] = withValueAt(container[head!], rest, value);
  return container;
}
