// KPI evaluation's pure parts: a value against its target (one bound or a range), and period bounds in the org's time zone.
import { describe, expect, it } from 'vitest';
import { kpiPeriod, statusOf } from './kpi.service.ts';

const TZ = 'Asia/Shanghai';
const d = (local: string) => new Date(`2026-${local}+08:00`);

describe('KPI status and periods', () => {
  it('compares a value with the one comparison of its target; null is no data', () => {
    expect([
      statusOf(0.95, { gte: 0.95 }),
      statusOf(0.94, { gte: 0.95 }),
      statusOf(0, { lte: 0 }),
      statusOf(1, { lte: 0 }),
    ]).toEqual(['met', 'missed', 'met', 'missed']);
    expect([statusOf(1, { gt: 1 }), statusOf(2, { gt: 1 }), statusOf(1, { lt: 1 }), statusOf(0.5, { lt: 1 })]).toEqual([
      'missed',
      'met',
      'missed',
      'met',
    ]);
    expect([statusOf(0.1 + 0.2, { eq: 0.3 }), statusOf(0.31, { eq: 0.3 }), statusOf(null, { gte: 0 })]).toEqual([
      'met',
      'missed',
      'no_data',
    ]);
  });

  it('a range is met only between both bounds', () => {
    const band = { gte: 0.03, lte: 0.1 };
    expect([
      statusOf(0.02, band),
      statusOf(0.03, band),
      statusOf(0.1, band),
      statusOf(0.11, band),
      statusOf(null, band),
    ]).toEqual(['missed', 'met', 'met', 'missed', 'no_data']);
    expect([statusOf(1, { gt: 1, lt: 2 }), statusOf(1.5, { gt: 1, lt: 2 }), statusOf(2, { gt: 1, lt: 2 })]).toEqual([
      'missed',
      'met',
      'missed',
    ]);
  });

  it("bounds periods in the organisation's time zone; weeks start on Monday; previous is the one before", () => {
    const iso = (b: { start: Date; end: Date }) => [b.start.toISOString(), b.end.toISOString()];
    expect(iso(kpiPeriod('month', d('03-15T12:00'), 'current', TZ))).toEqual([
      '2026-02-28T16:00:00.000Z',
      '2026-03-31T16:00:00.000Z',
    ]);
    expect(iso(kpiPeriod('month', d('03-01T00:30'), 'previous', TZ))).toEqual([
      '2026-01-31T16:00:00.000Z',
      '2026-02-28T16:00:00.000Z',
    ]);
    expect(iso(kpiPeriod('week', d('03-15T23:59'), 'current', TZ))).toEqual([
      '2026-03-08T16:00:00.000Z',
      '2026-03-15T16:00:00.000Z',
    ]);
    expect(iso(kpiPeriod('quarter', d('01-01T00:00'), 'previous', TZ))).toEqual([
      '2025-09-30T16:00:00.000Z',
      '2025-12-31T16:00:00.000Z',
    ]);
    expect(iso(kpiPeriod('year', d('06-01T00:00'), 'current', TZ))).toEqual([
      '2025-12-31T16:00:00.000Z',
      '2026-12-31T16:00:00.000Z',
    ]);
  });
});
