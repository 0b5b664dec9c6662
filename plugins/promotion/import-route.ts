// POST /api/plugins/promotion/import: a channel report (CSV text) for one budget-approved plan. The whole
// file is checked first; with any bad row nothing is written and every problem comes back with its line
// and column in both languages. A good file sets the plan's figures to the report's totals in one
// versioned edit of the card — all of them or, on any refusal (a stale version, a lock), none.
import { AppError, defineRoute, z } from '#plugin-api';
import { checkChannelReport } from './channel-report.ts';
import { MAX_CSV_CHARS } from './limits.ts';
import { both, name } from './names.ts';
import { PLAN, RECORDING_STATES } from './plan.ts';

export const IMPORT_REPORT = 'promotion.import-report';

export const importRoute = defineRoute({
  method: 'POST',
  path: '/import',
  permission: IMPORT_REPORT,
  body: z.strictObject({
    planId: z.number().int().positive(),
    /** The plan's version the person saw; without it, the plan as it is now. */
    expectedVersion: z.number().int().positive().optional(),
    csv: z.string().max(MAX_CSV_CHARS, `at most ${MAX_CSV_CHARS} characters`),
  }),
  output: z.object({
    plan: z.object({ id: z.number(), version: z.number(), fields: z.record(z.string(), z.unknown()) }),
    days: z.number(),
    totals: z.record(z.string(), z.number()),
    ignoredColumns: z.array(z.string()),
  }),
  async handle({ body, cards }) {
    const plan = await cards.get(body.planId);
    if (plan.type !== PLAN)
      throw new AppError(
        'NOT_FOUND',
        both(name(`卡片 ${plan.id} 不是推广计划`, `Card ${plan.id} is not a promotion plan`)),
      );
    if (!RECORDING_STATES.includes(plan.status))
      throw new AppError(
        'CONFLICT',
        both(
          name(
            '预算尚未批准的计划不能导入数据:请先提交财务审批',
            "The plan's budget is not approved yet, so no figures can be imported: ask finance first",
          ),
        ),
        { reason: 'budget_not_approved', status: plan.status },
      );
    const checked = checkChannelReport(body.csv, { from: String(plan.fields.from), to: String(plan.fields.to) });
    if (!checked.ok)
      throw new AppError(
        'UNPROCESSABLE',
        both(
          name(
            `报表有 ${checked.problems.length + checked.more} 处问题,未导入任何数据`,
            `The report has ${checked.problems.length + checked.more} problems; nothing was imported`,
          ),
        ),
        { reason: 'bad_rows', problems: checked.problems, more: checked.more },
      );
    const edited = await cards.edit(plan.id, body.expectedVersion ?? plan.version, { fields: checked.totals });
    return {
      plan: { id: edited.id, version: edited.version, fields: edited.fields },
      days: checked.days,
      totals: checked.totals,
      ignoredColumns: checked.ignoredColumns,
    };
  },
});
