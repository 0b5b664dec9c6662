// Parses roles YAML keeping positions, and rejects at parse time what the format forbids:
// duplicate keys, runaway alias expansion, and keys that could reach object prototypes.
import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  visit,
  type Document,
  type Node,
  type YAMLError,
} from 'yaml';
import { findUnstorable } from '../input.schemas.ts';
import { formatPath, type OrgError, type PathSegment } from './org-error.ts';

export interface SourceFile {
  /** Shown in errors: a path relative to the roles folder, or the name the client sent. */
  name: string;
  text: string;
}

export interface ParsedFile {
  name: string;
  doc: Document;
  lines: LineCounter;
  data: unknown;
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_ALIAS_COUNT = 50;
export const MAX_FILE_BYTES = 512 * 1024;

export function parseRolesYaml(file: SourceFile): { parsed?: ParsedFile; errors: OrgError[] } {
  const lines = new LineCounter();
  const at = (offset: number) => {
    const { line, col } = lines.linePos(offset);
    return { line, column: col };
  };
  const error = (offset: number, path: PathSegment[], message: string): OrgError => ({
    file: file.name,
    ...at(offset),
    path: formatPath(path),
    kind: 'yaml_syntax',
    message,
  });

  if (Buffer.byteLength(file.text) > MAX_FILE_BYTES) {
    return {
      errors: [
        {
          file: file.name,
          line: 1,
          column: 1,
          path: '',
          kind: 'yaml_syntax',
          message: `file is larger than ${MAX_FILE_BYTES / 1024} KiB`,
        },
      ],
    };
  }
  // Text the database cannot store would pass validation and then fail activation: refuse it here.
  const raw = findUnstorable(file.text);
  if (raw) {
    const before = file.text.slice(0, raw.index).split('\n');
    return {
      errors: [
        {
          file: file.name,
          line: before.length,
          column: before.at(-1)!.length + 1,
          path: '',
          kind: 'yaml_syntax',
          message: `the file ${raw.message}`,
        },
      ],
    };
  }
  const doc = parseDocument(file.text, {
    lineCounter: lines,
    uniqueKeys: true,
    merge: false,
    schema: 'core',
    prettyErrors: false,
  });
  const errors: OrgError[] = doc.errors.map((e) => error(openingOf(doc, e), [], e.message.split('\n')[0]!));
  if (errors.length) return { errors };

  visit(doc, {
    Scalar(_, scalar, ancestry) {
      // An escape ("\0", "\ud800") in a quoted scalar makes such text without it being in the file.
      const unstorable = typeof scalar.value === 'string' ? findUnstorable(scalar.value) : undefined;
      if (unstorable)
        errors.push({
          ...error(scalar.range?.[0] ?? 0, pathOf(ancestry, scalar), `the text ${unstorable.message}`),
          kind: 'schema',
        });
    },
    Pair(_, pair, ancestry) {
      // An alias key (`*a: …` with `&a __proto__`) becomes the anchored name in the data, so resolve it.
      const key = isAlias(pair.key) ? pair.key.resolve(doc) : pair.key;
      if (isScalar(key) && FORBIDDEN_KEYS.has(String(key.value))) {
        const path = isAlias(pair.key) ? [...pathOf(ancestry, pair), String(key.value)] : pathOf(ancestry, pair);
        errors.push(error((pair.key as Node).range?.[0] ?? 0, path, `key "${String(key.value)}" is not allowed`));
      }
    },
  });
  if (errors.length) return { errors };

  try {
    const data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    return { parsed: { name: file.name, doc, lines, data }, errors };
  } catch (e) {
    return { errors: [error(0, [], `${(e as Error).message} (aliases may expand at most ${MAX_ALIAS_COUNT} times)`)] };
  }
}

/**
 * yaml reports an unclosed quote or flow collection where it gave up, often at the end of the file;
 * point at where the unclosed node opens instead.
 */
function openingOf(doc: Document, e: YAMLError): number {
  const offset = e.pos[0];
  const opens = (node: unknown): boolean => {
    if (/quote/.test(e.message))
      return isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE');
    if (/^Flow map/.test(e.message)) return isMap(node) && node.flow === true;
    if (/^Flow sequence/.test(e.message)) return isSeq(node) && node.flow === true;
    return false;
  };
  if (e.code !== 'MISSING_CHAR' && e.code !== 'BAD_INDENT') return offset;
  let start = offset;
  visit(doc, {
    Node(_, node) {
      if (opens(node) && node.range?.[1] === offset) {
        start = node.range[0];
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return start;
}

function pathOf(ancestry: readonly unknown[], leaf: unknown): PathSegment[] {
  const path: PathSegment[] = [];
  const chain = [...ancestry, leaf];
  for (let i = 1; i < chain.length; i++) {
    const parent = chain[i - 1];
    const child = chain[i];
    if (isPair(child) && isScalar(child.key)) path.push(String(child.key.value));
    else if (isSeq(parent)) path.push(parent.items.indexOf(child as Node));
  }
  return path;
}

/**
 * Line and column of the node at `path`; with `key`, of that key inside the map at `path`.
 * A path that runs past what the file has points at the deepest node that exists.
 */
export function locate(
  parsed: ParsedFile,
  path: readonly PathSegment[],
  key?: string,
): { line: number; column: number } {
  let node: unknown = parsed.doc.contents;
  let offset = (node as Node | null)?.range?.[0] ?? 0;
  const segments = key === undefined ? path : [...path, key];
  for (const [index, segment] of segments.entries()) {
    let next: unknown;
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
      if (pair && key !== undefined && index === segments.length - 1) {
        offset = (pair.key as Node).range?.[0] ?? offset;
        break;
      }
      next = pair?.value ?? undefined;
      if (pair && next === null) offset = (pair.key as Node).range?.[0] ?? offset;
    } else if (isSeq(node) && typeof segment === 'number') {
      next = node.items[segment];
    }
    if (!next || typeof next !== 'object' || !('range' in next)) break;
    node = next;
    offset = (next as Node).range?.[0] ?? offset;
  }
  const { line, col } = parsed.lines.linePos(offset);
  return { line, column: col };
}

/** The shape of its jsonb column(s), for core/db/schema.ts. */
declare module '../db/schema.ts' {
  interface JsonShapes {
    sourceFile: SourceFile;
  }
}
