// The entities a per-entity KPI (`per:`) is measured for, each with its own period: the cards of a type
// (over their own dates when `from`/`to` name them), or the values of a field of that type.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { FieldDefinition, KpiPer, TaskTypeDefinition } from '../org/format.schema.ts';
import { instantOf, periodBounds } from '../time/zoned.ts';

/** Field types whose values name an entity (`per.field`), and those that can open or close a period. */
export const ENTITY_FIELD_TYPES = ['enum', 'text', 'role'] as const satisfies readonly FieldDefinition['type'][];
export const PERIOD_FIELD_TYPES = ['date', 'datetime'] as const satisfies readonly FieldDefinition['type'][];

/** At most this many entities per KPI and evaluation (the latest ones); a KPI table is read by people. */
export const MAX_ENTITIES = 100;

/** What a per-entity KPI measures, as a metric receives it in `ctx.entity`. */
export type KpiEntity =
  | { kind: 'card'; taskType: string; taskId: number; title: string }
  | { kind: 'field'; taskType: string; field: string; value: string };

export interface Period {
  start: Date;
  end: Date;
}

export interface EntityPeriod {
  entity: KpiEntity;
  period: Period;
}

/** A date field's value is a whole local day (an end date included); a datetime field's is an instant. */
function bound(value: string, timeZone: string, edge: 'start' | 'end'): Date | undefined {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (day)
    return periodBounds('day', instantOf(Number(day[1]), Number(day[2]), Number(day[3]), 12, 0, timeZone), timeZone)[
      edge
    ];
  const instant = new Date(value);
  return Number.isNaN(instant.getTime()) ? undefined : instant;
}

/**
 * The entities of `per` that belong to `period`: cards whose own dates overlap it (or, without dates,
 * that existed during it, measured over it), or every value of the field (an enum's options, else the
 * values cards of the type carry), measured over it. `type` is the card type, when it is known.
 */
export async function kpiEntities(
  db: Kysely<Database>,
  per: KpiPer,
  period: Period,
  timeZone: string,
  type: TaskTypeDefinition | undefined,
): Promise<EntityPeriod[]> {
  const cards = db.selectFrom('tasks').where('type', '=', per.task_type);
  if (per.field !== undefined) {
    const field = per.field;
    const options = type?.fields.find((candidate) => candidate.id === field)?.options;
    const values =
      options ??
      (
        await cards
          .where('created_at', '<', period.end)
          .where(sql`fields->>${field}`, 'is not', null)
          .select(sql<string>`fields->>${field}`.as('value'))
          .distinct()
          .orderBy('value')
          .limit(MAX_ENTITIES)
          .execute()
      ).map((row) => row.value);
    return values
      .slice(0, MAX_ENTITIES)
      .map((value) => ({ entity: { kind: 'field', taskType: per.task_type, field, value }, period }));
  }
  const card = (row: { id: number; title: string }): KpiEntity => ({
    kind: 'card',
    taskType: per.task_type,
    taskId: row.id,
    title: row.title,
  });
  if (per.from === undefined || per.to === undefined) {
    const rows = await cards
      .where('created_at', '<', period.end)
      .where((eb) => eb.or([eb('archived_at', 'is', null), eb('archived_at', '>=', period.start)]))
      .select(['id', 'title'])
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(MAX_ENTITIES)
      .execute();
    return rows.reverse().map((row) => ({ entity: card(row), period }));
  }
  const rows = await cards
    .where(sql`fields->>${per.from}`, 'is not', null)
    .where(sql`fields->>${per.to}`, 'is not', null)
    .select([
      'id',
      'title',
      sql<string>`fields->>${per.from}`.as('opens'),
      sql<string>`fields->>${per.to}`.as('closes'),
    ])
    .execute();
  const own: EntityPeriod[] = [];
  for (const row of rows) {
    const start = bound(row.opens, timeZone, 'start');
    const end = bound(row.closes, timeZone, 'end');
    // A card with unreadable or reversed dates has no period to measure.
    if (!start || !end || start >= end || start >= period.end || end <= period.start) continue;
    own.push({ entity: card(row), period: { start, end } });
  }
  own.sort(
    (a, b) =>
      a.period.start.getTime() - b.period.start.getTime() ||
      (a.entity as { taskId: number }).taskId - (b.entity as { taskId: number }).taskId,
  );
  return own.slice(-MAX_ENTITIES);
}
