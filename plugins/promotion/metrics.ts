// The promotion and store-plan KPIs' metrics. Plan metrics add up the budget-approved promotion plans
// whose period starts in the KPI's period (one channel's, for a KPI `per: {field: channel}`; one plan's,
// for `per` a plan card); store metrics add up the store's sales records likewise. Every ratio is 0–1
// and is no data (null) when its denominator is 0 or missing: no rule ever divides by zero.
import { sql } from 'kysely';
import type { Metric, MetricContext } from '#plugin-api';
import { PLAN } from './plan.ts';
import { SALES_RECORD } from './sales-record.ts';

type Fields = Record<string, unknown>;

/** A plan counts once finance approved its budget (draft and submitted plans have no spend). */
const BUDGETED = ['approved', 'running', 'review', 'closed'];

/** The local day (YYYY-MM-DD) of an instant in the organisation's time zone. */
const dayOf = (instant: Date, timeZone: string) =>
  new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);

/** The cards of `type` the KPI measures: the entity's, else the store's whose period starts in the KPI's period. */
async function cardsMeasured(ctx: MetricContext, type: string): Promise<Fields[]> {
  const entity = ctx.entity;
  if (entity?.kind === 'card' && entity.taskType !== type) return [];
  let query = ctx.db.selectFrom('tasks').select('fields').where('type', '=', type).where('archived_at', 'is', null);
  if (type === PLAN) query = query.where('status', 'in', BUDGETED);
  if (entity?.kind === 'card') query = query.where('id', '=', entity.taskId);
  else {
    // ISO dates compare as text in calendar order.
    query = query
      .where(sql`fields->>'from'`, '>=', dayOf(ctx.period.start, ctx.timeZone))
      .where(sql`fields->>'from'`, '<', dayOf(ctx.period.end, ctx.timeZone));
    if (entity?.kind === 'field') {
      if (entity.taskType !== type) return [];
      query = query.where(sql`fields->>${entity.field}`, '=', entity.value);
    }
  }
  return (await query.execute()).map((row) => row.fields);
}

const numberIn = (fields: Fields, key: string) => (typeof fields[key] === 'number' ? (fields[key] as number) : null);

/** Sums of two figures over the cards that hold both, and how many did. */
function sums(cards: Fields[], a: string, b: string) {
  let [sumA, sumB, sample] = [0, 0, 0];
  for (const fields of cards) {
    const [x, y] = [numberIn(fields, a), numberIn(fields, b)];
    if (x === null || y === null) continue;
    sumA += x;
    sumB += y;
    sample += 1;
  }
  return { a: sumA, b: sumB, sample };
}

/** a / b over the cards holding both; no data when b adds up to 0. */
function ratio(type: string, numerator: string, denominator: string, description: string): Metric {
  return {
    description,
    unit: 'ratio',
    async compute(ctx) {
      const { a, b, sample } = sums(await cardsMeasured(ctx, type), numerator, denominator);
      return b > 0 ? { value: a / b, sample } : { value: null, sample: 0 };
    },
  };
}

const sum = (cards: Fields[], key: string) => cards.reduce((total, fields) => total + (numberIn(fields, key) ?? 0), 0);
const holding = (cards: Fields[], key: string) => cards.filter((fields) => numberIn(fields, key) !== null);

const roi: Metric = {
  description: 'Return of promotion spend: (revenue - spend) / spend (2 = 200 %)',
  unit: 'ratio',
  async compute(ctx) {
    const { a: revenue, b: spend, sample } = sums(await cardsMeasured(ctx, PLAN), 'revenue', 'spend');
    return spend > 0 ? { value: (revenue - spend) / spend, sample } : { value: null, sample: 0 };
  },
};

const costShare: Metric = {
  description: 'Promotion spend of the approved plans as a share of the store sales recorded for the period',
  unit: 'ratio',
  async compute(ctx) {
    const plans = holding(await cardsMeasured(ctx, PLAN), 'spend');
    const records = holding(await cardsMeasured(ctx, SALES_RECORD), 'sales');
    const sales = sum(records, 'sales');
    return sales > 0 ? { value: sum(plans, 'spend') / sales, sample: records.length } : { value: null, sample: 0 };
  },
};

const sales: Metric = {
  description: 'Store sales recorded for the period (CNY); no record is no data, not 0',
  unit: 'CNY',
  async compute(ctx) {
    const records = holding(await cardsMeasured(ctx, SALES_RECORD), 'sales');
    return records.length ? { value: sum(records, 'sales'), sample: records.length } : { value: null, sample: 0 };
  },
};

export const metrics: Record<string, Metric> = {
  'promotion.spend_vs_budget': ratio(PLAN, 'spend', 'budget', 'Spend as a share of the approved budget'),
  'promotion.ctr': ratio(PLAN, 'clicks', 'impressions', 'Click-through rate: clicks / impressions'),
  'promotion.channel_conversion': ratio(PLAN, 'orders', 'visitors', 'Orders per visitor a promotion brought'),
  'promotion.roi': roi,
  'promotion.cost_share': costShare,
  'promotion.sales': sales,
  'promotion.sales_achievement': ratio(SALES_RECORD, 'sales', 'target', 'Store sales / sales target'),
  'promotion.gross_margin': ratio(SALES_RECORD, 'gross_profit', 'sales', 'Gross profit / store sales'),
  'promotion.conversion': ratio(SALES_RECORD, 'orders', 'visitors', 'Store conversion: orders / visitors'),
  'promotion.repurchase_rate': ratio(SALES_RECORD, 'repeat_buyers', 'buyers', 'Repeat buyers / buyers (回头率)'),
};
