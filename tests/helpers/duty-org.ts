// A small organisation for duty scheduler tests: two analysts and a clerk in Asia/Shanghai, with the
// duties a test gives them, as the roles YAML a person would write.
import { stringify } from 'yaml';
import type { SourceFile } from '../../core/org/yaml-source.ts';

export const ANN = 'ann@duties.test';
export const BOB = 'bob@duties.test';
export const CAT = 'cat@duties.test';

export type DutyYaml = Record<string, unknown> & { id: string; title: string };

export function dutyOrg(
  duties: { analyst?: DutyYaml[]; clerk?: DutyYaml[] },
  timezone = 'Asia/Shanghai',
): SourceFile[] {
  const org = {
    version: 1,
    organization: { id: 'duty-test', name: 'Duty test', timezone },
    roles: [
      { id: 'analyst', name: 'Analyst', can: ['boards.view'], duties: duties.analyst ?? [] },
      { id: 'clerk', name: 'Clerk', can: ['boards.view'], duties: duties.clerk ?? [] },
    ],
    members: [
      { email: ANN, name: 'Ann', roles: ['analyst'] },
      { email: BOB, name: 'Bob', roles: ['analyst'] },
      { email: CAT, name: 'Cat', roles: ['clerk'] },
    ],
  };
  return [{ name: 'org.yaml', text: stringify(org) }];
}

/** The Friday-evening duty of ROLES-FORMAT.md. */
export const WEEKLY_FEEDBACK: DutyYaml = {
  id: 'weekly-feedback',
  title: 'Weekly customer feedback summary',
  description: 'Summarise customer feedback and send it to the team.',
  every: 'week',
  on: 'fri',
  at: '17:00',
  due: 'P1D',
  task_type: 'core.report',
  deliverable: 'Feedback report',
};
