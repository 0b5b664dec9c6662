// Property: random rounds of concurrent creates, moves and edits from several clients end in a state
// where every accepted write is visible, no refused write changed anything, and each card's activity
// log replays to the card as it is.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from './helpers/databases.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

const org = `
version: 1
organization: {id: race, name: Race}
roles:
  - {id: worker, name: Worker, can: [boards.view, tasks.create, tasks.move, tasks.edit]}
members:
  - {email: w1@race.test, name: W1, roles: [worker]}
  - {email: w2@race.test, name: W2, roles: [worker]}
  - {email: w3@race.test, name: W3, roles: [worker]}
`;
const STATES = ['todo', 'in_progress', 'blocked', 'done'];

type Command =
  | { op: 'create'; client: number }
  | { op: 'move'; client: number; card: number; to: string }
  | { op: 'edit'; client: number; card: number; title: string };

const command = fc.oneof(
  fc.record({ op: fc.constant('create' as const), client: fc.nat(2) }),
  fc.record({ op: fc.constant('move' as const), client: fc.nat(2), card: fc.nat(7), to: fc.constantFrom(...STATES) }),
  fc.record({
    op: fc.constant('edit' as const),
    client: fc.nat(2),
    card: fc.nat(7),
    title: fc.string({ minLength: 1, maxLength: 12 }).filter((s) => s.trim().length > 0),
  }),
);

interface CardView {
  id: number;
  version: number;
  status: string;
  title: string;
}

describe.each(testDatabases)('concurrent writes on $kind', (database) => {
  let t: TestApp;
  let cookies: string[];
  beforeAll(async () => {
    t = await createTestApp(database, [{ name: 'race.yaml', text: org }]);
    cookies = await Promise.all(['w1', 'w2', 'w3'].map((w) => t.signIn(`${w}@race.test`)));
  });
  afterAll(() => t.dispose());

  it('keeps every accepted write, no refused one, and an activity log that replays', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(command, { minLength: 1, maxLength: 4 }), { minLength: 2, maxLength: 6 }),
        async (rounds) => {
          const cards: number[] = [];
          // What each client last saw of each card: the version its next write will name.
          const seen = cookies.map(() => new Map<number, number>());
          const accepted = new Map<number, CardView[]>();
          const keep = (card: CardView) => accepted.set(card.id, [...(accepted.get(card.id) ?? []), card]);

          for (const round of rounds) {
            const results = await Promise.all(
              round.map(async (c: Command) => {
                const cookie = cookies[c.client]!;
                if (c.op === 'create') {
                  const response = await t.call('POST', '/api/tasks', {
                    cookie,
                    body: { type: 'core.task', title: 'new' },
                  });
                  return { c, status: response.status, body: await response.json() };
                }
                const id = cards[c.card % Math.max(cards.length, 1)];
                if (id === undefined) return undefined;
                const expectedVersion = seen[c.client]!.get(id) ?? 1;
                const response =
                  c.op === 'move'
                    ? await t.call('PATCH', `/api/tasks/${id}/transition`, {
                        cookie,
                        body: { to: c.to, expectedVersion },
                      })
                    : await t.call('PATCH', `/api/tasks/${id}`, { cookie, body: { expectedVersion, title: c.title } });
                return { c, status: response.status, body: await response.json(), id };
              }),
            );
            for (const result of results) {
              if (!result) continue;
              const card: CardView | undefined =
                result.status === 201 || result.status === 200
                  ? (result.body.task ?? result.body)
                  : result.body.error?.details?.current;
              if (result.status === 201) cards.push(card!.id);
              if (result.status === 200 || result.status === 201) keep(card!);
              else expect([409, 422]).toContain(result.status);
              if (card) seen[result.c.client]!.set(card.id, card.version);
            }
          }

          for (const id of cards) {
            const current: CardView = await (await t.call('GET', `/api/tasks/${id}`, { cookie: cookies[0]! })).json();
            const writes = accepted.get(id)!;
            // Each accepted write made exactly one version, and nothing else did (an edit that changes
            // nothing is accepted without a new version).
            expect([...new Set(writes.map((w) => w.version))].sort((a, b) => a - b)).toEqual(
              Array.from({ length: current.version }, (_, i) => i + 1),
            );
            const last = writes.find((w) => w.version === current.version)!;
            expect({ status: current.status, title: current.title }).toEqual({
              status: last.status,
              title: last.title,
            });

            const log: { action: string; changes: Record<string, [unknown, unknown]> }[] = await (
              await t.call('GET', `/api/tasks/${id}/activity`, { cookie: cookies[0]! })
            ).json();
            const replayed: Record<string, unknown> = {};
            for (const entry of log)
              for (const [key, [, after]] of Object.entries(entry.changes)) replayed[key] = after;
            expect({ status: replayed.status, title: replayed.title }).toEqual({
              status: current.status,
              title: current.title,
            });
            expect(log.filter((entry) => entry.action !== 'commented')).toHaveLength(current.version);
          }
        },
      ),
      { numRuns: 12 },
    );
  }, 120_000);
});
