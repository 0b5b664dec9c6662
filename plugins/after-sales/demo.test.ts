// The after-sales demo board on every database: on an empty demo database the plugin makes a week of a
// clothing shop's after-sales work — every kind of case, price requests and shipments — through the real
// workflow, so the store manager already has the claims beyond policy, the big discount waits for her, and
// a shipment held 30 h after payment carries the late label.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedPluginDemos } from '../../core/plugins/demo-data.ts';
import { testDatabases } from '../../tests/helpers/databases.ts';
import { memoryLogger } from '../../tests/helpers/silent-logger.ts';
import { createTestApp, demoRoles, type TestApp } from '../../tests/helpers/test-app.ts';

/** Monday 11:00 in Shanghai: inside the demo's business hours, so the escalations' first levels fire at once. */
const MONDAY = new Date('2026-03-02T11:00:00+08:00');

describe.each(testDatabases)('the after-sales demo board on $kind', (database) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(database, demoRoles(), { now: () => MONDAY });
    const logger = memoryLogger();
    await seedPluginDemos({ ...t.services, plugins: t.services.plugins.plugins, log: logger.log });
    // Each plugin's demo either made its cards or said why not.
    expect(logger.lines().filter((line) => line.plugin === 'after-sales')).toEqual([
      expect.objectContaining({ msg: 'demo cards made' }),
    ]);
  });
  afterAll(() => t.dispose());

  const cardsOf = (type: string) =>
    t.services.db.kysely
      .selectFrom('tasks')
      .select(['id', 'title', 'status', 'role_id', 'fields', 'labels'])
      .where('type', '=', type)
      .orderBy('id')
      .execute();
  const rules = async (id: number) =>
    (await t.services.escalations.ledger({ taskId: id })).map((firing) => `${firing.rule} → ${firing.target_role}`);

  it('makes a case of every kind, at the states a normal week leaves them in', async () => {
    const cases = await cardsOf('after-sales.case');
    expect(cases.map((card) => [card.fields.case_type, card.status])).toEqual([
      ['return', 'waiting_customer'],
      ['exchange', 'waiting_courier'],
      ['refund', 'resolved'],
      ['negative_review', 'in_progress'],
      ['missing_item', 'open'],
      ['lost_parcel', 'open'],
      ['complaint', 'open'],
    ]);
  });

  it('has the store manager holding the claim beyond policy and the one no policy covers', async () => {
    const cases = await cardsOf('after-sales.case');
    const beyond = cases.filter((card) => card.role_id === 'store-manager');
    expect(beyond.map((card) => [card.fields.case_type, card.fields.claim_amount])).toEqual([
      ['lost_parcel', 800],
      ['complaint', 50],
    ]);
    for (const card of beyond) expect(await rules(card.id)).toEqual(['after-sales/claim-over-policy → store-manager']);
    expect(cases.filter((card) => card.role_id === 'after-sales-agent')).toHaveLength(5);
  });

  it('approves a discount within policy and parks one beyond it for the store manager', async () => {
    const requests = await cardsOf('after-sales.price-request');
    expect(requests.map((card) => [card.fields.discount_pct, card.status, card.role_id])).toEqual([
      [10, 'approved', 'pre-sales-agent'],
      [20, 'pending_approval', 'store-manager'],
    ]);
  });

  it('has a shipment on time, one shipped and one held past 24 h after payment, labelled late for customer service', async () => {
    const shipments = await cardsOf('after-sales.shipment');
    expect(shipments.map((card) => card.status)).toEqual(['to_ship', 'on_hold', 'shipped']);
    const held = shipments[1]!;
    expect(held.labels).toContain('ship-late-24h');
    expect(await rules(held.id)).toEqual(['after-sales/shipment-late-24h → after-sales-agent']);
    expect(await rules(shipments[0]!.id)).toEqual([]);
  });

  it('writes no fake-order (刷单) content', async () => {
    const all = await t.services.db.kysely.selectFrom('tasks').select(['title', 'fields']).execute();
    expect(all.filter((card) => JSON.stringify(card).includes('刷单'))).toEqual([]);
  });
});
