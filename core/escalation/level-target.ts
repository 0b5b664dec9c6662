// Who a level goes to: `reports_to` (the manager of the card's role, or of the previous level's role),
// `department_head`, or a role id; a role nobody holds passes the level upward, and the skip is kept.
import type { OrgModel } from '../org/org-model.ts';

export interface LevelTarget {
  role: string | null;
  skipped: string[];
}

export async function resolveLevelTarget(
  model: OrgModel,
  input: { to: string; cardRole: string | null; previousRole: string | null },
  isHeld: (role: string) => Promise<boolean>,
): Promise<LevelTarget> {
  let role: string | undefined;
  const from = input.previousRole ?? input.cardRole;
  if (input.to === 'reports_to') role = from === null ? undefined : model.role(from)?.reports_to;
  else if (input.to === 'department_head')
    role = input.cardRole === null ? undefined : model.departmentHeadOf(input.cardRole)?.id;
  else role = input.to;
  const skipped: string[] = [];
  while (role !== undefined) {
    if (await isHeld(role)) return { role, skipped };
    skipped.push(role);
    role = model.role(role)?.reports_to;
  }
  return { role: null, skipped };
}
