// Cards have one writer (core/tasks/task-writer.ts). This check reads the product's sources (core/ and
// plugins/) and fails when anything else writes the cards table — through Kysely or in SQL text — or
// reaches the writer's private statements. Tests, benchmarks and migrations set up and measure data
// directly and are not scanned.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const SCANNED = ['core', 'plugins'];
/** The writer and the statements private to it. */
const WRITER = 'core/tasks/task-writer.ts';
const PRIVATE = ['core/tasks/card-statements.ts', 'core/tasks/card-batches.ts', 'core/tasks/card-creates.ts'];

const WRITES = [
  /\b(?:insertInto|updateTable|deleteFrom|mergeInto|replaceInto)\(\s*['"`]tasks\b/,
  /\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?|MERGE\s+INTO)\s+(?:ONLY\s+)?tasks\b/i,
];

/** Each line of `source` that writes the cards table, as `line: text`. */
function cardWrites(source: string): string[] {
  return source
    .split('\n')
    .flatMap((line, index) => (WRITES.some((pattern) => pattern.test(line)) ? [`${index + 1}: ${line.trim()}`] : []));
}

function sources(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const file = path.posix.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') walk(file);
      } else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) found.push(file);
    }
  };
  SCANNED.forEach(walk);
  return found;
}

describe('the one card writer', () => {
  it('recognises a write to the cards table in every form the product could use', () => {
    expect(cardWrites(`await tx.updateTable('tasks').set({ title }).execute();`)).toHaveLength(1);
    expect(cardWrites(`db.insertInto("tasks").values(row)`)).toHaveLength(1);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the source text under test holds a tagged template
    expect(cardWrites('await sql`UPDATE tasks SET title = ${title}`.execute(db);')).toHaveLength(1);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the source text under test holds a tagged template
    expect(cardWrites('sql`delete from tasks where id = ${id}`')).toHaveLength(1);
    expect(cardWrites(`db.selectFrom('tasks').selectAll(); db.updateTable('task_watchers')`)).toEqual([]);
    expect(cardWrites('INSERT INTO task_activity (task_id) SELECT id FROM tasks')).toEqual([]);
  });

  it('is the only code in core/ and plugins/ that writes the cards table', () => {
    const offenders = sources()
      .filter((file) => file !== WRITER && !PRIVATE.includes(file))
      .flatMap((file) => cardWrites(readFileSync(path.join(ROOT, file), 'utf8')).map((line) => `${file}:${line}`));
    expect(offenders, 'write cards through core/tasks/task-writer.ts').toEqual([]);
  });

  it('keeps its batched and compiled statements to itself', () => {
    const importers = sources().filter((file) => {
      const text = readFileSync(path.join(ROOT, file), 'utf8');
      return !PRIVATE.includes(file) && PRIVATE.some((module) => text.includes(`/${path.basename(module)}'`));
    });
    expect(importers).toEqual([WRITER]);
  });
});
