// A campaign's ROI from its card, for the metric and the card face alike.

/** (revenue − cost) / cost as a ratio (2 = 200 %), or null without a positive cost or a revenue. */
export function roi(revenue: unknown, cost: unknown): number | null {
  if (typeof cost !== 'number' || !(cost > 0) || typeof revenue !== 'number') return null;
  return (revenue - cost) / cost;
}
