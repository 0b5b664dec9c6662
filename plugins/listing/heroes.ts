// Seed 003 营销活动: "首先确定3-5款主打产品" — a store runs 3 to 5 hero products (主打款), which go first in
// every campaign. The metric counts the hero products on sale; a KPI holds it between the two.
import type { Metric } from '#plugin-api';

export const HERO_MIN = 3;
export const HERO_MAX = 5;

/** The store's hero products on sale now, whoever's card they are (the rule is the store's, not a role's). */
export const heroProducts: Metric = {
  description: `Hero products (主打款) on sale now; the documents want ${HERO_MIN} to ${HERO_MAX}`,
  unit: 'products',
  async compute(ctx) {
    const { n } = await ctx.db
      .selectFrom('tasks')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('type', '=', 'listing.product')
      .where('status', '=', 'listed')
      .where('archived_at', 'is', null)
      .where((eb) => eb(eb.ref('fields', '->>').key('hero'), '=', 'true'))
      .executeTakeFirstOrThrow();
    return { value: Number(n), sample: Number(n) };
  },
};
