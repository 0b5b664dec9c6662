// Plugins' default escalations on every database: active while the plugin is loaded (on a write and on
// the scheduler's tick), overridden key by key from the roles file by id, switched off with
// `enabled: false`; a default whose role or policy the organisation lacks is inactive there (never
// evaluated, shown with the reason in GET /api/plugins) while an override naming one is refused at its
// line; a roles file overriding an id no loaded plugin declares is refused saying so; a default that does
// not compile keeps its plugin from loading, naming plugin and field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEscalationScheduler } from '../core/escalation/escalation-scheduler.ts';
import { catalogueWith } from '../core/org/catalogue.ts';
import { loadOrg } from '../core/org/load-org.ts';
import { formatOrgError } from '../core/org/org-error.ts';
import { loadPlugins, type PluginSource } from '../core/plugins/loader.ts';
import { testDatabases } from './helpers/databases.ts';
import { memoryLogger } from './helpers/silent-logger.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

const HOUR = 3_600_000;
const name = (en: string) => ({ 'zh-CN': en, en });
const inline = (manifest: Record<string, unknown>): PluginSource => ({
  entry: `test:${String(manifest.id)}`,
  load: async () => ({ default: manifest }),
});

const ticket = {
  id: 'desk.ticket',
  name: 'Ticket',
  fields: [{ id: 'amount', name: 'Amount', type: 'number' }],
  workflow: {
    initial: 'open',
    states: [
      { id: 'open', name: 'Open', category: 'todo' },
      { id: 'working', name: 'Working', category: 'active' },
      { id: 'closed', name: 'Closed', category: 'done' },
    ],
    transitions: [
      { from: 'open', to: 'working' },
      { from: 'working', to: 'closed' },
    ],
  },
};
const overdue = { '>': [{ var: 'task.overdue_hours' }, 0] };
const desk = (extra: Record<string, unknown> = {}) => ({
  id: 'desk',
  name: name('Desk'),
  version: '1.0.0',
  core: '^0.1',
  taskTypes: [ticket],
  escalations: [
    {
      id: 'desk-overdue',
      title: 'Ticket overdue',
      applies_to: { task_types: ['desk.ticket'] },
      when: overdue,
      levels: [
        { after: 'PT0M', to: 'reports_to', then: ['notify', 'label:late'] },
        { after: 'PT2H', to: 'reports_to', then: ['raise_priority'] },
      ],
      tests: [{ given: { task: { overdue_hours: 1 } }, expect: true }],
    },
    {
      id: 'desk-big-amount',
      applies_to: { task_types: ['desk.ticket'] },
      when: { '>': [{ var: 'task.fields.amount' }, { var: 'policy.max_amount' }] },
      levels: [{ after: 'PT0M', to: 'manager', then: ['notify'] }],
    },
    {
      id: 'desk-untouched',
      applies_to: { task_types: ['desk.ticket'] },
      when: { '==': [{ var: 'task.status' }, 'open'] },
      levels: [{ after: 'PT0M', to: 'reports_to', then: ['label:untouched'] }],
    },
    ...((extra.escalations as unknown[]) ?? []),
  ],
});

const office = (escalations: string) => `
version: 1
organization: {id: office, name: Office}
policies: {max_amount: 100}
roles:
  - {id: manager, name: Manager, can: [org.view, boards.view, escalations.view]}
  - id: agent
    name: Agent
    reports_to: manager
    can: [org.view, boards.view, tasks.create, tasks.edit, tasks.move, tasks.assign]
    escalations:
${escalations}
members:
  - {email: manager@office.test, name: Manager, roles: [manager]}
  - {email: agent@office.test, name: Agent, roles: [agent]}
`;

// The roles file raises the amount escalation's target to the top and narrows it to open tickets (the
// plugin's task types stay), and switches the "untouched" one off.
const overriding = office(`
      - id: desk-big-amount
        applies_to: {statuses: [open]}
        levels: [{after: PT0M, to: manager, then: [notify, "label:big"]}]
      - {id: desk-untouched, enabled: false}`);

// An office with no manager role and no max_amount policy: desk-big-amount cannot be staffed here.
const unstaffed = office('      []').replace('policies: {max_amount: 100}\n', '').replaceAll('manager', 'boss');

describe.each(testDatabases)('plugin default escalations on $kind', (database) => {
  let t: TestApp;
  let clock = Date.parse('2026-03-02T08:00:00Z');
  let agent: string;
  let manager: string;

  beforeAll(async () => {
    t = await createTestApp(database, [{ name: 'office.yaml', text: overriding }], {
      plugins: [inline(desk())],
      now: () => new Date(clock),
    });
    [agent, manager] = await Promise.all([t.signIn('agent@office.test'), t.signIn('manager@office.test')]);
  });
  afterAll(() => t.dispose());

  const create = async (title: string, extra: Record<string, unknown> = {}) => {
    const response = await t.call('POST', '/api/tasks', {
      cookie: agent,
      body: { type: 'desk.ticket', title, assignTo: { roleId: 'agent' }, ...extra },
    });
    expect(response.status, await response.clone().text()).toBe(201);
    return (await response.json()) as { id: number; version: number };
  };
  const ledger = async (taskId: number) =>
    (await (await t.call('GET', `/api/escalations?task=${taskId}`, { cookie: manager })).json()) as {
      rule: string;
      level: number;
      targetRole: string | null;
      actions: string[];
    }[];
  const card = async (id: number) =>
    (await (await t.call('GET', `/api/tasks/${id}`, { cookie: agent })).json()) as {
      labels: string[];
      priority: string;
      version: number;
    };

  it("fires a loaded plugin's default on its task type's cards, up the reporting line of the card's role", async () => {
    const late = await create('Late ticket', { dueAt: new Date(clock - HOUR).toISOString() });
    expect(await ledger(late.id)).toEqual([
      expect.objectContaining({
        rule: 'desk/desk-overdue',
        level: 0,
        targetRole: 'manager',
        actions: ['notify', 'label:late'],
      }),
    ]);
    expect((await card(late.id)).labels).toEqual(['late']);
    const inbox = await (await t.call('GET', '/api/notifications', { cookie: manager })).json();
    expect(inbox.items[0]).toMatchObject({ taskId: late.id, kind: 'escalation', title: 'Ticket overdue: Late ticket' });
    // core.task cards are not the plugin's: its default does not watch them.
    const other = await (
      await t.call('POST', '/api/tasks', {
        cookie: agent,
        body: {
          type: 'core.task',
          title: 'Core late',
          dueAt: new Date(clock - HOUR).toISOString(),
          assignTo: { roleId: 'agent' },
        },
      })
    ).json();
    expect(await ledger(other.id)).toEqual([]);
  });

  it("climbs to the next level on the scheduler's tick, and starts a cycle for a card that became overdue with no write", async () => {
    const soon = await create('Due soon', { dueAt: new Date(clock + HOUR).toISOString() });
    expect(await ledger(soon.id)).toEqual([]);
    clock += 3 * HOUR + 60_000;
    const scheduler = createEscalationScheduler({
      db: t.services.db,
      org: t.services.org,
      engine: t.services.engine,
      announce: t.services.events.announce,
      log: memoryLogger().log,
    });
    await scheduler.tick(new Date(clock));
    expect((await ledger(soon.id)).map((firing) => [firing.rule, firing.level])).toEqual([['desk/desk-overdue', 0]]);
    clock += 2 * HOUR + 60_000;
    await scheduler.tick(new Date(clock));
    expect((await ledger(soon.id)).map((firing) => [firing.rule, firing.level])).toEqual([
      ['desk/desk-overdue', 1],
      ['desk/desk-overdue', 0],
    ]);
    expect(await card(soon.id)).toMatchObject({ labels: ['late'], priority: 'high' });
  });

  it("takes the roles file's keys in place of the default's, keeping the plugin's task types when it narrows the statuses", async () => {
    const big = await create('Big claim', { fields: { amount: 500 } });
    expect(await ledger(big.id)).toEqual([
      expect.objectContaining({
        rule: 'desk/desk-big-amount',
        targetRole: 'manager',
        actions: ['notify', 'label:big'],
      }),
    ]);
    expect((await card(big.id)).labels).toEqual(['big']);
    const small = await create('Small claim', { fields: { amount: 50 } });
    expect(await ledger(small.id)).toEqual([]);
  });

  it('runs no default the roles file switched off with enabled: false', async () => {
    const untouched = await create('Untouched');
    expect(await ledger(untouched.id)).toEqual([]);
    expect((await card(untouched.id)).labels).toEqual([]);
  });

  it('dry-runs a plugin default by its ledger key', async () => {
    const response = await t.call('POST', '/api/escalations/dry-run', {
      cookie: manager,
      body: { rule: 'desk/desk-big-amount' },
    });
    expect(response.status, await response.clone().text()).toBe(200);
    const rows = (await response.json()) as { title: string; when: boolean }[];
    expect(rows.find((row) => row.title === 'Big claim')).toMatchObject({ when: true });
    expect(rows.find((row) => row.title === 'Small claim')).toMatchObject({ when: false });
  });
});

describe.each(testDatabases)('a default the organisation cannot staff on $kind', (database) => {
  const apps: TestApp[] = [];
  afterAll(() => Promise.all(apps.map((app) => app.dispose())));

  /** An app on this roles file, with a ticket of amount 500 made by the agent; the ticket's firings and the plugin list. */
  async function bigTicketIn(text: string, who: string) {
    const app = await createTestApp(database, [{ name: 'office.yaml', text }], { plugins: [inline(desk())] });
    apps.push(app);
    const [agent, lead] = await Promise.all([app.signIn('agent@office.test'), app.signIn(`${who}@office.test`)]);
    const response = await app.call('POST', '/api/tasks', {
      cookie: agent,
      body: { type: 'desk.ticket', title: 'Big claim', fields: { amount: 500 }, assignTo: { roleId: 'agent' } },
    });
    expect(response.status, await response.clone().text()).toBe(201);
    const ticket = (await response.json()) as { id: number };
    const ledger = (await (await app.call('GET', `/api/escalations?task=${ticket.id}`, { cookie: lead })).json()) as {
      rule: string;
      targetRole: string | null;
    }[];
    const plugins = (await (await app.call('GET', '/api/plugins', { cookie: agent })).json()) as {
      id: string;
      escalations: { id: string; active: boolean; missing: unknown[]; reason?: string }[];
    }[];
    // desk-untouched fires on every open ticket where it is not switched off: only the amount rule is looked at.
    const amount = ledger.filter((firing) => firing.rule === 'desk/desk-big-amount');
    return { ledger: amount, escalations: plugins.find((plugin) => plugin.id === 'desk')!.escalations };
  }

  it('fires the default where the organisation has its role and policy', async () => {
    const { ledger, escalations } = await bigTicketIn(office('      []'), 'manager');
    expect(ledger).toEqual([expect.objectContaining({ rule: 'desk/desk-big-amount', targetRole: 'manager' })]);
    expect(escalations.find((escalation) => escalation.id === 'desk-big-amount')).toEqual({
      id: 'desk-big-amount',
      title: null,
      active: true,
      switchedOff: false,
      missing: [],
    });
  });

  it('never evaluates it where the organisation lacks them, and says why in GET /api/plugins', async () => {
    const { ledger, escalations } = await bigTicketIn(unstaffed, 'boss');
    expect(ledger).toEqual([]);
    expect(escalations).toEqual([
      expect.objectContaining({ id: 'desk-overdue', active: true }),
      {
        id: 'desk-big-amount',
        title: null,
        active: false,
        switchedOff: false,
        missing: [
          { kind: 'role', id: 'manager' },
          { kind: 'policy', id: 'max_amount' },
        ],
        reason:
          'it goes to role "manager", which this organisation does not have; it reads policy "max_amount", which this organisation does not set',
      },
      expect.objectContaining({ id: 'desk-untouched', active: true }),
    ]);
  });
});

describe('validating a roles file against plugin default escalations', () => {
  let catalogue: ReturnType<typeof catalogueWith>;
  beforeAll(async () => {
    const loaded = await loadPlugins([inline(desk())], { log: memoryLogger().log });
    catalogue = catalogueWith(loaded.plugins);
  });
  const errorsOf = (text: string) => {
    const result = loadOrg([{ name: 'office.yaml', text }], catalogue);
    return result.ok ? [] : result.errors.map(formatOrgError);
  };

  it('accepts overrides of loaded defaults, partial ones included', () => {
    expect(errorsOf(overriding)).toEqual([]);
  });

  it('says when an entry overrides an id no loaded plugin declares, suggesting the close one', () => {
    expect(errorsOf(office('      - {id: desk-overdu, enabled: false}'))).toEqual([
      'office.yaml:12:9 schema roles[1].escalations[0]: escalation "desk-overdu" needs "when" and "levels": it overrides no plugin\'s default escalation (the loaded plugins declare desk-overdue, desk-big-amount, desk-untouched), so it is the organisation\'s own (did you mean "desk-overdue"?)',
    ]);
  });

  it('accepts a default whose target role or policy the organisation lacks: it is inactive there, not an error', () => {
    expect(errorsOf(unstaffed)).toEqual([]);
  });

  it("refuses an override naming a role or policy the organisation lacks, at the override's own line", () => {
    const text = office(`      - id: desk-big-amount
        when: {">": [{var: task.fields.amount}, {var: policy.max_claim}]}
        levels: [{after: PT0M, to: director, then: [notify]}]`);
    expect(errorsOf(text)).toEqual([
      expect.stringMatching(/^office\.yaml:13:\d+ rule roles\[1\]\.escalations\[0\]\.when.*unknown policy "max_claim"/),
      expect.stringMatching(
        /^office\.yaml:14:\d+ unresolved_ref roles\[1\]\.escalations\[0\]\.levels\[0\]\.to: .*"director"/,
      ),
    ]);
  });

  it('checks an override as it will run: its own keys against this organisation', () => {
    expect(
      errorsOf(
        office(
          '      - {id: desk-overdue, applies_to: {statuses: [gone]}, when: {">": [{var: task.fields.amout}, 1]}}',
        ),
      ),
    ).toEqual([
      'office.yaml:12:52 unresolved_ref roles[1].escalations[0].applies_to.statuses[0]: unknown status "gone"',
      'office.yaml:12:79 rule roles[1].escalations[0].when.>[0].var: unknown field "amout" in {"var": "task.fields.amout"} (did you mean "amount"?)',
    ]);
  });
});

describe('loading a plugin with default escalations', () => {
  const statusOf = async (...manifests: Record<string, unknown>[]) =>
    (await loadPlugins(manifests.map(inline), { log: memoryLogger().log })).statuses;

  it("fails a plugin whose default does not compile, watches another's task types, or fails its own test, naming plugin and field", async () => {
    const broken = (escalation: Record<string, unknown>) => ({
      ...desk(),
      escalations: [
        {
          id: 'x',
          applies_to: { task_types: ['desk.ticket'] },
          when: overdue,
          levels: [{ after: 'PT0M', to: 'reports_to', then: ['notify'] }],
          ...escalation,
        },
      ],
    });
    expect((await statusOf(broken({ when: { no_such_op: [1] } })))[0]!.error).toBe(
      'plugin "desk": escalations.0.when: operation "no_such_op" is not allowed',
    );
    expect((await statusOf(broken({ when: { '>': [{ var: 'task.fields.amout' }, 1] } })))[0]!.error).toBe(
      'plugin "desk": escalations.0.when: unknown field "amout" in {"var": "task.fields.amout"}',
    );
    expect((await statusOf(broken({ applies_to: { task_types: ['core.task'] } })))[0]!.error).toMatch(
      /^plugin "desk": escalations\.0\.applies_to\.task_types\.0: task type "core\.task" must be "desk\.<name>"/,
    );
    expect((await statusOf(broken({ applies_to: undefined })))[0]!.error).toMatch(
      /^plugin "desk": escalations\.0\.applies_to\.task_types: a plugin's escalation names the task types it watches/,
    );
    expect(
      (await statusOf(broken({ levels: [{ after: 'PT0M', to: 'reports_to', then: ['move:gone'] }] })))[0]!.error,
    ).toBe('plugin "desk": escalations.0.levels.0.then.0: unknown state "gone"');
    expect(
      (await statusOf(broken({ tests: [{ given: { task: { overdue_hours: 0 } }, expect: true }] })))[0]!.error,
    ).toBe('plugin "desk": escalations.0.tests.0: "when" gave false for this fixture, the test expects true');
  });

  it('fails the second of two plugins declaring one escalation id', async () => {
    const other = {
      id: 'other',
      name: name('Other'),
      version: '1.0.0',
      core: '^0.1',
      taskTypes: [{ ...ticket, id: 'other.ticket' }],
      escalations: [
        {
          id: 'desk-overdue',
          applies_to: { task_types: ['other.ticket'] },
          when: overdue,
          levels: [{ after: 'PT0M', to: 'reports_to', then: ['notify'] }],
        },
      ],
    };
    const statuses = await statusOf(desk(), other);
    expect(statuses.map((status) => [status.id, status.status, status.error])).toEqual([
      ['desk', 'loaded', undefined],
      [
        'other',
        'failed',
        'plugin "other": escalations.0.id: escalation "desk-overdue" is also declared by plugin "desk"',
      ],
    ]);
  });
});
