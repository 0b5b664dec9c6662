// The after-sales rules of the seed documents as default escalations. A plugin cannot know an
// organisation's roles, so each climbs by relation (the card's role's manager or department head); an
// organisation names its own roles by overriding the levels (the demo: its store manager, CS manager and
// warehouse keeper). A rule reading a policy the organisation does not set is inactive there (a
// three-person shop without max_claim_cny has no claim escalation; the approval guard still holds).
const CASE = 'after-sales.case';
const PRICE_REQUEST = 'after-sales.price-request';
const SHIPMENT = 'after-sales.shipment';

/** Seed 003 不能解决:找店长 — the case also cannot be resolved without approval (the workflow's guard). */
const claimOverPolicy = {
  id: 'claim-over-policy',
  title: '索赔或折扣超出公司规定,或无规定可依 (Claim or discount beyond policy, or no policy covers it)',
  applies_to: { task_types: [CASE], statuses: ['open', 'in_progress', 'waiting_customer', 'waiting_courier'] },
  // policy_covered must be explicitly false: a case not yet assessed (unset) does not escalate.
  when: {
    or: [
      { '>': [{ var: 'task.fields.claim_amount' }, { var: 'policy.max_claim_cny' }] },
      { '===': [{ var: 'task.fields.policy_covered' }, false] },
      { '>': [{ var: 'task.fields.requested_discount_pct' }, { var: 'policy.max_discount_pct' }] },
    ],
  },
  stop_when: { in: [{ var: 'task.status' }, ['awaiting_approval', 'approved', 'resolved', 'closed']] },
  business_hours: true,
  levels: [
    { after: 'PT0M', to: 'reports_to', then: ['notify', 'reassign'] },
    { after: 'PT4H', to: 'reports_to', then: ['notify', 'raise_priority'] },
  ],
  tests: [
    {
      given: {
        task: { status: 'open', fields: { claim_amount: 800, policy_covered: true } },
        policy: { max_claim_cny: 200 },
      },
      expect: true,
    },
    {
      given: {
        task: { status: 'open', fields: { claim_amount: 50, policy_covered: false } },
        policy: { max_claim_cny: 200 },
      },
      expect: true,
    },
    {
      given: {
        task: { status: 'open', fields: { requested_discount_pct: 15, policy_covered: true } },
        policy: { max_discount_pct: 10 },
      },
      expect: true,
    },
    {
      given: {
        task: { status: 'open', fields: { claim_amount: 100, policy_covered: true } },
        policy: { max_claim_cny: 200 },
      },
      expect: false,
    },
    {
      given: { task: { status: 'open', fields: { claim_amount: 200 } }, policy: { max_claim_cny: 200 } },
      expect: false,
    },
  ],
};

/** Seed 001: a discount beyond policy goes up at once — the buyer is waiting in chat — parked for approval. */
const discountOverPolicy = {
  id: 'discount-over-policy',
  title: '折扣或优惠超出公司规定 (Discount beyond policy)',
  applies_to: { task_types: [PRICE_REQUEST], statuses: ['open', 'pending_approval'] },
  when: { '>': [{ var: 'task.fields.discount_pct' }, { var: 'policy.max_discount_pct' }] },
  levels: [
    { after: 'PT0M', to: 'reports_to', then: ['notify', 'reassign', 'move:pending_approval'] },
    { after: 'PT2H', to: 'reports_to', then: ['notify', 'raise_priority'] },
  ],
  tests: [
    { given: { task: { fields: { discount_pct: 15 } }, policy: { max_discount_pct: 10 } }, expect: true },
    { given: { task: { fields: { discount_pct: 10 } }, policy: { max_discount_pct: 10 } }, expect: false },
    { given: { task: { fields: { discount_pct: 5 } }, policy: { max_discount_pct: 10 } }, expect: false },
  ],
};

/** Seed 000 当天事当天毕: a case still untouched when the business day it came in has closed. */
const notAnsweredSameDay = {
  id: 'not-answered-same-day',
  title: '售后工单当天未处理 (Not answered the same business day)',
  applies_to: { task_types: [CASE], statuses: ['open'] },
  when: { '>=': [{ var: 'task.business_days_ended' }, 1] },
  levels: [{ after: 'PT0M', to: 'department_head', then: ['notify', 'raise_priority'] }],
  tests: [
    { given: { task: { status: 'open', business_days_ended: 1 } }, expect: true },
    { given: { task: { status: 'open', business_days_ended: 0 } }, expect: false },
  ],
};

// A shipment is due policy.ship_within_hours after PAYMENT (its paid_at), whenever the card was made: past
// due it is late, and ship_hard_limit_hours - ship_within_hours past due it is past the hard limit.
const UNSHIPPED = ['to_verify', 'to_ship', 'on_hold'];

/** Seed 003: not shipped within 24 h of payment — someone contacts the buyer about an exchange or a refund. */
const shipmentLate24h = {
  id: 'shipment-late-24h',
  title: '订单付款超24小时未发货 (Not shipped within 24 h of payment)',
  applies_to: { task_types: [SHIPMENT], statuses: UNSHIPPED },
  when: { '>': [{ var: 'task.overdue_hours' }, 0] },
  levels: [{ after: 'PT0M', to: 'reports_to', then: ['notify', 'label:ship-late-24h'] }],
  tests: [
    { given: { task: { status: 'to_ship', overdue_hours: 1 } }, expect: true },
    { given: { task: { status: 'to_ship', overdue_hours: 0 } }, expect: false },
  ],
};

/** Seed 003: never later than 48 h — the hard limit. */
const shipmentLate48h = {
  id: 'shipment-late-48h',
  title: '订单付款超48小时未发货 (Not shipped within 48 h of payment, the hard limit)',
  applies_to: { task_types: [SHIPMENT], statuses: UNSHIPPED },
  when: {
    '>=': [
      { var: 'task.overdue_hours' },
      { '-': [{ var: 'policy.ship_hard_limit_hours' }, { var: 'policy.ship_within_hours' }] },
    ],
  },
  levels: [
    { after: 'PT0M', to: 'reports_to', then: ['notify', 'raise_priority', 'label:ship-late-48h'] },
    { after: 'PT4H', to: 'reports_to', then: ['notify'] },
  ],
  tests: [
    {
      given: {
        task: { status: 'to_verify', overdue_hours: 25 },
        policy: { ship_within_hours: 24, ship_hard_limit_hours: 48 },
      },
      expect: true,
    },
    {
      given: {
        task: { status: 'to_ship', overdue_hours: 6 },
        policy: { ship_within_hours: 24, ship_hard_limit_hours: 48 },
      },
      expect: false,
    },
  ],
};

export const escalations = [claimOverPolicy, discountOverPolicy, notAnsweredSameDay, shipmentLate24h, shipmentLate48h];
