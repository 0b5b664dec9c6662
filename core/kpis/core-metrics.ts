// The metrics core provides to KPIs (computed by the KPI engine from the board's own data).
export const CORE_METRICS = {
  'core.on_time_rate': 'Share of cards finished by their due date',
  'core.throughput': 'Cards finished in the period',
  'core.cycle_time': 'Median hours from start to done',
  'core.overdue_count': 'Open cards past their due date',
} as const;
