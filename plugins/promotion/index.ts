// The promotion department (推广) as a plugin: per-channel promotion plans whose budget finance approves,
// the store's sales records, the promotion and store-plan KPIs' metrics, escalations for overspend and
// ROI under target, and the import of a channel report (CSV). See README.md.
import { definePlugin } from '#plugin-api';
import { demo } from './demo.ts';
import { overspend, roiBelow, roiUnderTarget } from './escalations.ts';
import { IMPORT_REPORT, importRoute } from './import-route.ts';
import { metrics } from './metrics.ts';
import { name } from './names.ts';
import { APPROVE_BUDGET, planType } from './plan.ts';
import { salesRecordType } from './sales-record.ts';

export default definePlugin({
  id: 'promotion',
  name: name('推广', 'Promotion'),
  version: '0.1.0',
  core: '^0.1',
  permissions: [
    // Commits the store's money: power over others' plans.
    { id: APPROVE_BUDGET, name: name('审批推广预算', 'Approve promotion budgets'), powerful: true },
    { id: IMPORT_REPORT, name: name('导入推广渠道报表', 'Import channel reports') },
  ],
  taskTypes: [planType, salesRecordType],
  operations: [{ name: 'roi_below', fn: roiBelow }],
  escalations: [overspend, roiUnderTarget],
  metrics,
  routes: [importRoute],
  demo,
});
