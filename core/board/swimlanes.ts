// Swimlanes: a board can split its columns into lanes by role, assignee, priority or a field. The engine
// names and orders the lanes its cards fall into, so every client shows the same lanes in the same order.
import { sql, type RawBuilder } from 'kysely';
import type { z } from 'zod';
import type { laneSchema } from '../http/output.schemas.ts';
import type { DisplayName, TaskTypeDefinition } from '../org/format.schema.ts';
import type { OrgModel } from '../org/org-model.ts';

/** One lane: the cards whose lane key is `key` (null: cards without a role, assignee or value). */
export type Lane = z.infer<typeof laneSchema>;

const PRIORITY_LANES: Lane[] = [
  { key: 'urgent', name: { 'zh-CN': '紧急', en: 'Urgent' } },
  { key: 'high', name: { 'zh-CN': '高', en: 'High' } },
  { key: 'normal', name: { 'zh-CN': '普通', en: 'Normal' } },
  { key: 'low', name: { 'zh-CN': '低', en: 'Low' } },
];
const UNASSIGNED: DisplayName = { 'zh-CN': '未分配', en: 'Unassigned' };
const NOT_SET: DisplayName = { 'zh-CN': '未填写', en: 'Not set' };

/** The field a board's lanes are by (`field:<id>`), if they are by a field. */
export const laneField = (swimlanes: string) => /^field:(.+)$/.exec(swimlanes)?.[1];

/** A card's lane key in SQL (as text), or undefined for a board without lanes. */
export function laneKeySql(swimlanes: string): RawBuilder<string | null> | undefined {
  if (swimlanes === 'role') return sql`role_id`;
  if (swimlanes === 'assignee') return sql`assignee_id::text`;
  if (swimlanes === 'priority') return sql`priority`;
  const field = laneField(swimlanes);
  return field === undefined ? undefined : sql`fields ->> ${field}`;
}

/**
 * The lanes that hold cards, in board order: roles as the organisation lists them, people by name,
 * priorities from urgent down, an enum field's values in the order of its options, other values sorted;
 * the lane of cards without one last.
 */
export function orderLanes(
  swimlanes: string,
  keys: (string | null)[],
  context: { model: OrgModel; types: TaskTypeDefinition[]; people: Map<string, string> },
): Lane[] {
  const present = keys.filter((key): key is string => key !== null);
  const rank = (order: string[]) => (key: string) => {
    const at = order.indexOf(key);
    return at === -1 ? order.length : at;
  };
  const sorted = (by: (key: string) => number, name: (key: string) => DisplayName) =>
    [...present].sort((a, b) => by(a) - by(b) || a.localeCompare(b, 'zh-CN')).map((key) => ({ key, name: name(key) }));
  let lanes: Lane[];
  let none = NOT_SET;
  if (swimlanes === 'priority') {
    lanes = PRIORITY_LANES.filter((lane) => present.includes(lane.key!));
  } else if (swimlanes === 'role') {
    lanes = sorted(
      rank(context.model.definition.roles.map((role) => role.id)),
      (key) => context.model.role(key)?.name ?? key,
    );
    none = UNASSIGNED;
  } else if (swimlanes === 'assignee') {
    const name = (key: string) => context.people.get(key) ?? key;
    lanes = [...present]
      .sort((a, b) => name(a).localeCompare(name(b), 'zh-CN') || a.localeCompare(b))
      .map((key) => ({ key, name: name(key) }));
    none = UNASSIGNED;
  } else {
    const field = context.types.flatMap((type) => type.fields).find((f) => f.id === laneField(swimlanes));
    lanes = sorted(rank(field?.type === 'enum' ? (field.options ?? []) : []), (key) => key);
  }
  return keys.includes(null) ? [...lanes, { key: null, name: none }] : lanes;
}
