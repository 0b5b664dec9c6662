// Plugins' schedules (core/plugins/schedules.ts): each runs on the first tick and then once `every` has
// passed, with the tick's time as its clock; a throw or a run past its time box is logged with the
// plugin's id and the other schedules still run. The manifest refuses a bad `every` or a repeated id.
import { describe, expect, it } from 'vitest';
import { parseManifest, type HookContext, type ParsedPlugin } from '../core/plugins/contract.ts';
import { createScheduleRunner } from '../core/plugins/schedules.ts';
import { memoryLogger } from './helpers/silent-logger.ts';

const HOUR = 3_600_000;
const manifest = (schedules: unknown[]) => ({
  id: 'calendar',
  name: { 'zh-CN': '日历', en: 'Calendar' },
  version: '1.0.0',
  core: '^0.1',
  schedules,
});
// The runner hands the plugin this context with the tick's clock; nothing here reads or writes cards.
const context = { now: () => new Date(0) } as unknown as HookContext;

describe('plugin schedules', () => {
  it('runs a schedule on the first tick, then once its interval has passed, on the tick’s clock', async () => {
    const seen: string[] = [];
    const plugin = parseManifest(
      manifest([{ id: 'hourly', every: 'PT1H', run: (ctx: HookContext) => void seen.push(ctx.now().toISOString()) }]),
    );
    const runner = createScheduleRunner({ plugins: [plugin], context, log: memoryLogger().log });
    const start = Date.parse('2027-03-01T00:00:00Z');
    for (const minutes of [0, 30, 59, 60, 90, 125]) await runner.runDue(new Date(start + (minutes / 60) * HOUR));
    expect(seen).toEqual(['2027-03-01T00:00:00.000Z', '2027-03-01T01:00:00.000Z', '2027-03-01T02:05:00.000Z']);
  });

  it('logs a failing or slow schedule with its plugin and runs the others', async () => {
    const { log, lines } = memoryLogger();
    let ran = 0;
    const plugin = parseManifest(
      manifest([
        {
          id: 'broken',
          every: 'P1D',
          run: () => {
            throw new Error('calendar source unreadable');
          },
        },
        { id: 'slow', every: 'P1D', run: () => new Promise(() => undefined) },
        {
          id: 'fine',
          every: 'P1D',
          run: () => {
            ran += 1;
          },
        },
      ]),
    );
    const runner = createScheduleRunner({ plugins: [plugin as ParsedPlugin], context, log, timeBoxMs: 20 });
    expect(await runner.runDue(new Date())).toBe(3);
    expect(ran).toBe(1);
    const failures = lines().filter(
      (line) => line.msg === 'plugin schedule failed; it runs again when its time next comes',
    );
    expect(failures.map((line) => [line.plugin, line.schedule])).toEqual([
      ['calendar', 'broken'],
      ['calendar', 'slow'],
    ]);
    expect(JSON.stringify(failures)).toMatch(/calendar source unreadable[\s\S]*did not finish within 20 ms/);
  });

  it('refuses an interval that is not a duration and an id declared twice', () => {
    const run = () => undefined;
    expect(() => parseManifest(manifest([{ id: 'x', every: 'daily', run }]))).toThrow(
      'plugin "calendar": schedules.0.every: expected an ISO-8601 duration, e.g. PT4H or P1D',
    );
    expect(() =>
      parseManifest(
        manifest([
          { id: 'x', every: 'P1D', run },
          { id: 'x', every: 'PT1H', run },
        ]),
      ),
    ).toThrow('plugin "calendar": schedules.1.id: schedule "x" is declared twice');
  });
});
