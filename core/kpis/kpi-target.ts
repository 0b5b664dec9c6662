// A KPI's target in the metric's own unit: each bound a number, a percentage or a policy's value, with
// the one unit convention (docs/roles-format.md §11): people write percentages, ratio metrics compute 0–1.
import { PERCENT_TEXT, type Kpi, type KpiTargetBound } from '../org/format.schema.ts';
import { suggest } from '../org/suggest.ts';

export const TARGET_OPS = ['gte', 'gt', 'lte', 'lt', 'eq'] as const;
export type TargetOp = (typeof TARGET_OPS)[number];
/** The bounds a value must satisfy, all of them (one comparison, or the two ends of a range). */
export type ResolvedTarget = Partial<Record<TargetOp, number>>;

/** A metric of this unit computes a ratio, 1 = 100 %; its targets may be written as percentages. */
export const RATIO_UNIT = 'ratio';
/** A policy holds a percentage (0–100, like a `percent` field) exactly when its key ends in `_pct`. */
export const isPercentPolicy = (key: string) => key.endsWith('_pct');

export interface TargetProblem {
  /** Where, below the KPI's `target`: the comparison, and `policy` when the policy is at fault. */
  path: (string | number)[];
  kind: 'unresolved_ref' | 'schema';
  message: string;
  suggestion?: string;
}

export interface TargetResolution {
  target: ResolvedTarget;
  /** The policy each bound was read from, when it was. */
  policies: Partial<Record<TargetOp, string>>;
  problems: TargetProblem[];
}

type Policies = Readonly<Record<string, unknown>>;

const percent = (n: number) => `${+(n * 100).toFixed(6)}%`;

/**
 * Resolves `target` for a metric of `unit`. A problem is a mistake in the roles file: a missing or
 * non-numeric policy, a percentage for a metric that is not a ratio (or a plain policy for one that is),
 * a bare ratio above 1, an empty range. `mayExist` says a policy may be defined in a part that could not be read.
 */
export function resolveTarget(
  kpi: Pick<Kpi, 'metric' | 'target'>,
  unit: string,
  policies: Policies,
  mayExist: (key: string) => boolean = () => false,
): TargetResolution {
  const resolution: TargetResolution = { target: {}, policies: {}, problems: [] };
  const ratio = unit === RATIO_UNIT;
  const mixed = (what: string) =>
    `${what}, but metric "${kpi.metric}" measures ${unit}, not a ratio: write the target in ${unit}`;
  for (const op of TARGET_OPS) {
    const bound: KpiTargetBound | undefined = kpi.target[op];
    if (bound === undefined) continue;
    const problem = (
      message: string,
      sub: (string | number)[] = [],
      kind: TargetProblem['kind'] = 'schema',
      suggestion?: string,
    ) => resolution.problems.push({ path: [op, ...sub], kind, message, ...(suggestion ? { suggestion } : {}) });
    if (typeof bound === 'number') {
      if (ratio && Math.abs(bound) > 1) {
        problem(
          `metric "${kpi.metric}" is a ratio (1 = 100 %), so ${bound} would mean ${percent(bound)}: write ${bound}% for ${bound} percent, or a ratio such as ${bound / 100}`,
        );
      } else resolution.target[op] = bound;
    } else if (typeof bound === 'string') {
      const value = Number(PERCENT_TEXT.exec(bound)![1]);
      if (!ratio) problem(mixed(`${bound} is a percentage`));
      else resolution.target[op] = value / 100;
    } else {
      const key = bound.policy;
      if (!Object.hasOwn(policies, key)) {
        if (!mayExist(key))
          problem(`unknown policy "${key}"`, ['policy'], 'unresolved_ref', suggest(key, Object.keys(policies)));
        continue;
      }
      const value = policies[key];
      if (typeof value !== 'number') {
        problem(`policy "${key}" is ${JSON.stringify(value)}, not a number`, ['policy']);
      } else if (isPercentPolicy(key) !== ratio) {
        problem(
          ratio
            ? `policy "${key}" is not a percentage (only keys ending in _pct are), but metric "${kpi.metric}" is a ratio (1 = 100 %): keep the limit as a percentage in a policy named …_pct`
            : mixed(`policy "${key}" is a percentage (its key ends in _pct)`),
          ['policy'],
        );
      } else {
        resolution.target[op] = ratio ? value / 100 : value;
        resolution.policies[op] = key;
      }
    }
  }
  const { target } = resolution;
  const low = target.gte ?? target.gt;
  const high = target.lte ?? target.lt;
  if (
    low !== undefined &&
    high !== undefined &&
    (low > high || (low === high && (target.gt !== undefined || target.lt !== undefined)))
  ) {
    resolution.problems.push({
      path: [],
      kind: 'schema',
      message: `the range is empty: its lower bound ${low} is not below its upper bound ${high}`,
    });
  }
  return resolution;
}

const COMPARE: Record<TargetOp, (value: number, bound: number) => boolean> = {
  gte: (value, bound) => value >= bound,
  lte: (value, bound) => value <= bound,
  gt: (value, bound) => value > bound,
  lt: (value, bound) => value < bound,
  // Rates are fractions computed in floating point: 0.1 + 0.2 must still equal 0.3.
  eq: (value, bound) => Math.abs(value - bound) <= 1e-9 * Math.max(1, Math.abs(bound)),
};

/** Whether a value satisfies every bound of the target (both ends of a range). */
export function meetsTarget(value: number, target: ResolvedTarget): boolean {
  return TARGET_OPS.every((op) => target[op] === undefined || COMPARE[op](value, target[op]));
}
