// An example plugin (docs/writing-a-plugin.md walks through it): goods receipts that are counted
// before they are shelved, who may shelve them, and how many were shelved in a period.
import { AppError, defineRoute, definePlugin, z, type MetricContext, type PluginMigrationDb } from '#plugin-api';

const name = (zh: string, en: string) => ({ 'zh-CN': zh, en });

/** Counted and expected quantities may differ by at most `tolerance` (a share of the expected). */
function withinTolerance(...args: unknown[]): boolean {
  const [counted, expected, tolerance] = args.map(Number) as [number, number, number];
  if (!Number.isFinite(counted) || !Number.isFinite(expected)) return false;
  return Math.abs(counted - expected) <= expected * (Number.isFinite(tolerance) ? tolerance : 0);
}

async function shelvedReceipts(ctx: MetricContext) {
  let query = ctx.db
    .selectFrom('tasks')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('type', '=', 'warehouse.receipt')
    .where('status', '=', 'shelved')
    .where('done_at', '>=', ctx.period.start)
    .where('done_at', '<', ctx.period.end)
    .where('role_id', '=', ctx.subject.roleId);
  if (ctx.subject.personId) query = query.where('assignee_id', '=', ctx.subject.personId);
  const { n } = await query.executeTakeFirstOrThrow();
  return { value: Number(n), sample: Number(n) };
}

// Every count is kept in the plugin's own table, warehouse_counts; the card shows the latest.
const migrations = {
  '0001_counts': {
    up: (db: PluginMigrationDb) =>
      db.schema
        .createTable('warehouse_counts')
        .addColumn('id', 'serial', (col) => col.primaryKey())
        .addColumn('task_id', 'integer', (col) => col.notNull())
        .addColumn('counted', 'integer', (col) => col.notNull())
        .addColumn('counted_by', 'uuid', (col) => col.notNull())
        .addColumn('counted_at', 'timestamptz', (col) => col.notNull())
        .execute(),
  },
};

const receiptId = z.object({ id: z.coerce.number().int().positive() });

// POST /api/plugins/warehouse/receipts/:id/count: a scanner posts what it counted; the card takes it.
const count = defineRoute({
  method: 'POST',
  path: '/receipts/:id/count',
  permission: 'tasks.edit',
  params: receiptId,
  body: z.object({ counted: z.number().int().min(0), expectedVersion: z.number().int().positive() }),
  output: z.object({ id: z.number(), version: z.number(), counted: z.number() }),
  async handle({ params, body, cards, tables, actor }) {
    if ((await cards.get(params.id)).type !== 'warehouse.receipt')
      throw new AppError('NOT_FOUND', `Card ${params.id} is not a goods receipt.`);
    const card = await cards.edit(params.id, body.expectedVersion, { fields: { counted: body.counted } });
    await tables
      .insertInto('warehouse_counts')
      .values({ task_id: card.id, counted: body.counted, counted_by: actor.id, counted_at: new Date() })
      .execute();
    return { id: card.id, version: card.version, counted: body.counted };
  },
});

// GET /api/plugins/warehouse/receipts/:id/counts: the counts posted for a receipt, oldest first.
const counts = defineRoute({
  method: 'GET',
  path: '/receipts/:id/counts',
  permission: 'boards.view',
  params: receiptId,
  output: z.array(z.object({ counted: z.number(), countedBy: z.string(), at: z.string() })),
  async handle({ params, cards, tables }) {
    await cards.get(params.id);
    const rows = await tables
      .selectFrom('warehouse_counts')
      .select(['counted', 'counted_by', 'counted_at'])
      .where('task_id', '=', params.id)
      .orderBy('id')
      .$castTo<{ counted: number; counted_by: string; counted_at: Date }>()
      .execute();
    return rows.map((row) => ({ counted: row.counted, countedBy: row.counted_by, at: row.counted_at.toISOString() }));
  },
});

export default definePlugin({
  id: 'warehouse',
  name: name('仓库', 'Warehouse'),
  version: '0.1.0',
  core: '^0.1',
  permissions: [{ id: 'warehouse.shelve', name: name('上架入库货物', 'Shelve received goods') }],
  operations: [{ name: 'within_tolerance', fn: withinTolerance }],
  // Usable in any task type, a roles file's too, as `type: warehouse.sku`.
  fieldTypes: [
    {
      id: 'warehouse.sku',
      name: name('货号', 'SKU'),
      schema: z.string().regex(/^[A-Z]{1,3}-\d{2,6}$/, 'expected a SKU like A-100'),
    },
  ],
  taskTypes: [
    {
      id: 'warehouse.receipt',
      name: name('入库单', 'Goods receipt'),
      fields: [
        { id: 'sku', name: name('货号', 'SKU'), type: 'warehouse.sku', required: true },
        { id: 'expected', name: name('应收数量', 'Expected quantity'), type: 'number', min: 0 },
        { id: 'counted', name: name('实收数量', 'Counted quantity'), type: 'number', min: 0 },
      ],
      workflow: {
        initial: 'expected',
        states: [
          { id: 'expected', name: name('待收货', 'Expected'), category: 'todo' },
          { id: 'received', name: name('已收货', 'Received'), category: 'active' },
          { id: 'shelved', name: name('已上架', 'Shelved'), category: 'done' },
        ],
        transitions: [
          { from: 'expected', to: 'received', required_fields: ['expected'] },
          {
            from: 'received',
            to: 'shelved',
            requires: 'warehouse.shelve',
            required_fields: ['counted'],
            // Up to 2 % short or over is shelved; more needs a recount first.
            guard: {
              'warehouse.within_tolerance': [{ var: 'task.fields.counted' }, { var: 'task.fields.expected' }, 0.02],
            },
            guard_message: 'The counted quantity differs from the expected one by more than 2 %; count again.',
          },
          { from: 'received', to: 'expected' },
        ],
      },
    },
  ],
  escalations: [
    {
      // A receipt left received for a day goes up the line from wherever it sits.
      id: 'receipt-not-shelved',
      title: 'Received but not shelved within a day',
      applies_to: { task_types: ['warehouse.receipt'], statuses: ['received'] },
      when: { '>': [{ var: 'task.idle_hours' }, 24] },
      levels: [
        { after: 'PT0M', to: 'reports_to', then: ['notify'] },
        { after: 'PT8H', to: 'reports_to', then: ['raise_priority'] },
      ],
      tests: [
        { given: { task: { idle_hours: 30 } }, expect: true },
        { given: { task: { idle_hours: 2 } }, expect: false },
      ],
    },
  ],
  migrations,
  routes: [count, counts],
  metrics: {
    'warehouse.shelved': {
      description: 'Goods receipts shelved in the period',
      unit: 'receipts',
      compute: shelvedReceipts,
    },
  },
});
