// event-path: what the escalation engine's event path adds to a card write. The same moves, one after
// another through the task service, of cards twenty escalation rules watch (none of them true, so
// nothing fires: the cost of looking) and of cards no rule watches (written in one statement).
import { quantile, round2, startBenchApp } from './bench-app.ts';
import type { Bench, BenchResult } from './result.ts';

const WRITES_PER_ROUND = 500;
const ROUNDS = 6;
const TARGET_EXTRA_MS = 2;

/** Twenty rules of the shapes the demo organisation writes, each false for the bench's cards. */
const RULES = [
  '{">": [{var: task.overdue_hours}, 1000]}',
  '{">": [{var: task.age_hours}, 10000]}',
  '{">": [{var: task.idle_hours}, 10000]}',
  '{"==": [{var: task.priority}, urgent]}',
  '{in: [{var: task.status}, [blocked]]}',
  '{and: [{"==": [{var: task.status}, blocked]}, {">": [{var: task.idle_hours}, 24]}]}',
  '{">=": [{"*": [{var: task.overdue_hours}, 2]}, 96]}',
  '{or: [{"==": [{var: task.priority}, urgent]}, {">": [{var: task.overdue_hours}, 100]}]}',
  '{and: [{">": [{var: task.age_hours}, 48]}, {"==": [{var: task.priority}, high]}]}',
  '{"==": [{var: task.role}, nobody]}',
  '{if: [{"==": [{var: task.priority}, low]}, {">": [{var: task.age_hours}, 240]}, {">": [{var: task.age_hours}, 120]}]}',
  '{">": [{var: task.overdue_hours}, 2000]}',
  '{">": [{var: task.age_hours}, 20000]}',
  '{">": [{var: task.idle_hours}, 20000]}',
  '{"===": [{var: task.priority}, urgent]}',
  '{in: [{var: task.status}, [blocked, review]]}',
  '{"!": {in: [{var: task.status}, [todo, in_progress, done]]}}',
  '{">": [{"+": [{var: task.overdue_hours}, {var: task.idle_hours}]}, 5000]}',
  '{and: [{"!!": {var: task.assignee}}, {">": [{var: task.overdue_hours}, 500]}]}',
  '{"<": [{var: task.age_hours}, -1]}',
];
const ESCALATIONS = [
  '    escalations:',
  ...RULES.map(
    (when, i) =>
      `      - {id: rule-${i + 1}, applies_to: {task_types: [core.task]}, when: ${when}, levels: [{after: PT1H, to: reports_to, then: [notify]}]}`,
  ),
].join('\n');

export const eventPath: Bench = {
  name: 'event-path',
  description: `one card write after another through the task service on PostgreSQL: cards ${RULES.length} escalation rules watch vs cards none watches`,
  async run(): Promise<BenchResult> {
    // The watched card is handed to the mover role as it is made: that is assigning (tasks.assign).
    const app = await startBenchApp({ escalations: ESCALATIONS, can: ['tasks.assign'] });
    try {
      const actor = (await app.services.auth.actorForToken(app.cookie.slice(app.cookie.indexOf('=') + 1)))!.actor;
      const tasks = app.services.tasks;
      const card = async (roleId: string | null) => {
        const created = await tasks.create(actor, {
          type: 'core.task',
          title: roleId ? 'watched' : 'unwatched',
          ...(roleId ? { assignTo: { roleId } } : {}),
        });
        return { id: created.id, version: created.version, status: created.status };
      };
      const watched = await card('mover');
      const unwatched = await card(null);
      const writeTimes = async (target: typeof watched, count: number) => {
        const times: number[] = [];
        for (let i = 0; i < count; i++) {
          const started = performance.now();
          const { task } = await tasks.move(actor, target.id, target.version, {
            to: target.status === 'in_progress' ? 'done' : 'in_progress',
          });
          times.push(performance.now() - started);
          Object.assign(target, { version: task.version, status: task.status });
        }
        await app.services.events.settled();
        return times;
      };
      await writeTimes(watched, 100);
      await writeTimes(unwatched, 100);
      // Interleaved rounds, so both sides see the same noise of a shared machine.
      const timesWatched: number[] = [];
      const timesUnwatched: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        timesWatched.push(...(await writeTimes(watched, WRITES_PER_ROUND)));
        timesUnwatched.push(...(await writeTimes(unwatched, WRITES_PER_ROUND)));
      }
      const medianWatched = quantile(timesWatched, 0.5);
      const medianUnwatched = quantile(timesUnwatched, 0.5);
      const extra = medianWatched - medianUnwatched;
      return {
        name: 'event-path',
        metric: `median ms per card move with ${RULES.length} escalation rules watching the card (baseline: a card no rule watches)`,
        value: round2(medianWatched),
        unit: 'ms',
        baseline: round2(medianUnwatched),
        ratio: round2(medianWatched / medianUnwatched),
        target: `≤ ${TARGET_EXTRA_MS} ms more per write`,
        met: extra <= TARGET_EXTRA_MS,
        extra: {
          extraMsPerWrite: round2(extra),
          p99WatchedMs: round2(quantile(timesWatched, 0.99)),
          p99UnwatchedMs: round2(quantile(timesUnwatched, 0.99)),
          writesEach: timesWatched.length,
          rules: RULES.length,
        },
      };
    } finally {
      await app.close();
    }
  },
};
