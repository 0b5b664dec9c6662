// The metric registry: namespaced ids, no double registration, and core's four metrics in it.
import { describe, expect, it } from 'vitest';
import { coreCatalogue } from '../org/catalogue.ts';
import { CORE_METRICS, coreMetricRegistry } from './core-metrics.ts';
import { createMetricRegistry, type Metric } from './metric-registry.ts';

const constant = (value: number | null): Metric => ({
  description: 'A fixed value',
  unit: 'cards',
  compute: async () => ({ value, sample: value === null ? 0 : 1 }),
});

describe('metric registry', () => {
  it('registers a namespaced metric and gives it back by id', async () => {
    const registry = createMetricRegistry();
    const metric = constant(3);
    registry.register('listing.photos_per_listing', metric);
    expect(registry.get('listing.photos_per_listing')).toBe(metric);
    expect(registry.ids()).toEqual(['listing.photos_per_listing']);
  });

  it('answers undefined for an id nobody registered', () => {
    expect(createMetricRegistry().get('core.throughput')).toBeUndefined();
  });

  it('lists ids in registration order', () => {
    const registry = createMetricRegistry();
    for (const id of ['b.second', 'a.first', 'c-x.third_one']) registry.register(id, constant(1));
    expect(registry.ids()).toEqual(['b.second', 'a.first', 'c-x.third_one']);
  });

  it.each(['throughput', 'Core.throughput', '.throughput', 'core.', 'core.through put', 'core..x'])(
    'refuses the un-namespaced or malformed id "%s"',
    (id) => {
      expect(() => createMetricRegistry().register(id, constant(1))).toThrow(/must be namespaced/);
    },
  );

  it('refuses a second metric under an id already taken', () => {
    const registry = createMetricRegistry();
    registry.register('promo.roi', constant(1));
    expect(() => registry.register('promo.roi', constant(2))).toThrow('Metric "promo.roi" is already registered.');
    expect(registry.get('promo.roi')?.compute).toBeDefined();
  });

  it('keeps registries apart: a plugin registering in one does not change another', () => {
    const one = coreMetricRegistry();
    one.register('promo.roi', constant(1));
    expect(coreMetricRegistry().get('promo.roi')).toBeUndefined();
  });

  it("holds core's four metrics, each with a description and unit, and the catalogue accepts the same ids", () => {
    const ids = ['core.on_time_rate', 'core.throughput', 'core.cycle_time', 'core.overdue_count'];
    const registry = coreMetricRegistry();
    expect(registry.ids()).toEqual(ids);
    for (const id of ids)
      expect(registry.get(id)).toMatchObject({ description: expect.any(String), unit: expect.any(String) });
    expect(Object.keys(CORE_METRICS)).toEqual(ids);
    expect([...coreCatalogue().metrics.keys()]).toEqual(ids);
  });
});
