// What changed between two versions of an organisation, entity by entity (by id).
import { canonicalJson } from './canonical.ts';
import { DEFAULT_MEMBER_CAN } from '../auth/permissions.ts';
import type { OrgDefinition } from './format.schema.ts';

export interface EntityChanges {
  added: string[];
  removed: string[];
  changed: string[];
}

export const DIFF_SECTIONS = [
  'organization',
  'member_can',
  'policies',
  'departments',
  'roles',
  'task_types',
  'duties',
  'kpis',
  'escalations',
  'members',
] as const;
export type OrgDiff = Record<(typeof DIFF_SECTIONS)[number], EntityChanges>;

type Keyed = Map<string, string>;

function keyed<T>(items: T[], id: (item: T) => string, strip?: (item: T) => unknown): Keyed {
  return new Map(items.map((item) => [id(item), canonicalJson(strip ? strip(item) : item)]));
}

function compare(before: Keyed, after: Keyed): EntityChanges {
  return {
    added: [...after.keys()].filter((id) => !before.has(id)),
    removed: [...before.keys()].filter((id) => !after.has(id)),
    changed: [...after.keys()].filter((id) => before.has(id) && before.get(id) !== after.get(id)),
  };
}

/** `member_can` by permission (absent means the default, so writing the default out is no change). */
function memberCan(org: OrgDefinition | null): Keyed {
  const byPermission = new Map<string, unknown[]>();
  for (const entry of org ? (org.organization.member_can ?? DEFAULT_MEMBER_CAN) : []) {
    const permission = typeof entry === 'string' ? entry : entry.permission;
    byPermission.set(permission, [...(byPermission.get(permission) ?? []), entry]);
  }
  return new Map([...byPermission].map(([permission, entries]) => [permission, canonicalJson(entries)]));
}

function sections(org: OrgDefinition | null): Record<keyof OrgDiff, Keyed> {
  const roles = org?.roles ?? [];
  const { member_can: _m, ...organization } = org?.organization ?? {};
  const nested = <K extends 'duties' | 'kpis' | 'escalations'>(key: K) =>
    keyed(
      roles.flatMap((role) => role[key].map((item) => ({ role: role.id, item }))),
      ({ role, item }) => `${role}/${item.id}`,
      ({ item }) => item,
    );
  return {
    organization: org ? new Map([[org.organization.id, canonicalJson(organization)]]) : new Map(),
    member_can: memberCan(org),
    policies: new Map(Object.entries(org?.policies ?? {}).map(([key, value]) => [key, canonicalJson(value)])),
    departments: keyed(org?.departments ?? [], (d) => d.id),
    // A role "changes" for its own keys; its duties, KPIs and escalations are listed on their own.
    roles: keyed(
      roles,
      (r) => r.id,
      ({ duties: _d, kpis: _k, escalations: _e, ...own }) => own,
    ),
    task_types: keyed(org?.task_types ?? [], (t) => t.id),
    duties: nested('duties'),
    kpis: nested('kpis'),
    escalations: nested('escalations'),
    members: keyed(org?.members ?? [], (m) => m.email.toLowerCase()),
  };
}

export function diffOrgs(before: OrgDefinition | null, after: OrgDefinition): OrgDiff {
  const a = sections(before);
  const b = sections(after);
  return Object.fromEntries(DIFF_SECTIONS.map((section) => [section, compare(a[section], b[section])])) as OrgDiff;
}

export function isEmptyDiff(diff: OrgDiff): boolean {
  return DIFF_SECTIONS.every((s) => !diff[s].added.length && !diff[s].removed.length && !diff[s].changed.length);
}

export function formatDiff(diff: OrgDiff): string {
  if (isEmptyDiff(diff)) return 'no changes';
  return DIFF_SECTIONS.flatMap((section) => [
    ...diff[section].added.map((id) => `+ ${section} ${id}`),
    ...diff[section].removed.map((id) => `- ${section} ${id}`),
    ...diff[section].changed.map((id) => `~ ${section} ${id}`),
  ]).join('\n');
}

/** The shape of its jsonb column(s), for core/db/schema.ts. */
declare module '../db/schema.ts' {
  interface JsonShapes {
    orgDiff: OrgDiff;
  }
}
