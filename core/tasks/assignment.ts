// Who gets a card assigned to a role: the holder with the fewest open cards (ties: by name, then id),
// so work spreads evenly and the choice is predictable.
import type { Person } from '../auth/users.repository.ts';

export const ASSIGNMENT_POLICY = 'fewest-open-cards';

export function pickHolder(holders: Person[], openCards: Map<string, number>): Person | undefined {
  return [...holders].sort(
    (a, b) =>
      (openCards.get(a.id) ?? 0) - (openCards.get(b.id) ?? 0) ||
      a.displayName.localeCompare(b.displayName, 'zh-CN') ||
      a.id.localeCompare(b.id),
  )[0];
}
