// The work a rule may do in one evaluation: steps (every node evaluated, every element iterated, and
// large values scanned) and the size of what it builds (characters of strings; a list item costs as
// much as ITEM_WEIGHT characters, being a pointer where a character is a byte or two).
// Depth and node caps do not bound work: nested iteration multiplies it while the rule stays tiny.

export interface BudgetLimits {
  steps: number;
  built: number;
}

/** Every evaluation's budget (guards, escalations, fixtures, dry runs). */
export const RULE_BUDGET: Readonly<BudgetLimits> = { steps: 50_000, built: 1_000_000 };

/** Scanning this many characters or items of a value costs one more step. */
export const SCAN_UNIT = 1024;
/** What one list item costs of the `built` budget, in characters. */
export const ITEM_WEIGHT = 8;

export type BudgetKind = 'steps' | 'built';

export class RuleBudgetError extends Error {
  override readonly name = 'RuleBudgetError';
  constructor(
    readonly kind: BudgetKind,
    readonly limit: number,
    /** What the limit belongs to: one evaluation, or a pool shared by several. */
    readonly owner: string,
  ) {
    super(
      kind === 'steps'
        ? `the rule ran out of its work budget: ${owner} allows ${limit.toLocaleString('en')} evaluation steps`
        : `the rule built too much: ${owner} allows ${limit.toLocaleString('en')} characters built in total (a list item counts as ${ITEM_WEIGHT})`,
    );
  }
}

/**
 * Work shared by several evaluations (a validation's fixtures, a dry run over many cards, an
 * explanation), so that many small evaluations cannot add up to a long stall either.
 */
export class WorkPool {
  steps: number;
  built: number;
  constructor(
    readonly limits: BudgetLimits,
    readonly owner: string,
  ) {
    this.steps = limits.steps;
    this.built = limits.built;
  }

  get exhausted(): boolean {
    return this.steps <= 0 || this.built <= 0;
  }
}

/** Counts one evaluation's work; throws RuleBudgetError when either limit is passed. */
export class Meter {
  private steps: number;
  private built: number;
  private readonly stepLimit: number;
  private readonly builtLimit: number;

  constructor(private readonly pool?: WorkPool) {
    this.stepLimit = Math.min(RULE_BUDGET.steps, pool?.steps ?? Infinity);
    this.builtLimit = Math.min(RULE_BUDGET.built, pool?.built ?? Infinity);
    this.steps = this.stepLimit;
    this.built = this.builtLimit;
  }

  step(count = 1): void {
    this.steps -= count;
    if (this.steps < 0) this.fail('steps');
  }

  /** Charges a value about to be scanned (compared, searched, converted). */
  scan(length: number): void {
    if (length >= SCAN_UNIT) this.step(Math.floor(length / SCAN_UNIT));
  }

  /** Charges a string about to be built, before it is. */
  buildText(chars: number): void {
    this.built -= chars;
    if (this.built < 0) this.fail('built');
    this.scan(chars);
  }

  /** Charges a list about to be built, before it is. */
  buildList(items: number): void {
    this.built -= items * ITEM_WEIGHT;
    if (this.built < 0) this.fail('built');
    this.scan(items);
  }

  /** The work done so far (a failed charge counts up to the limit). */
  get used(): BudgetLimits {
    return { steps: this.stepLimit - Math.max(this.steps, 0), built: this.builtLimit - Math.max(this.built, 0) };
  }

  /** Takes the work done from the pool (call once, whether the evaluation ended or threw). */
  settle(): void {
    if (!this.pool) return;
    const { steps, built } = this.used;
    this.pool.steps -= steps;
    this.pool.built -= built;
  }

  private fail(kind: BudgetKind): never {
    const own = kind === 'steps' ? RULE_BUDGET.steps : RULE_BUDGET.built;
    const limit = kind === 'steps' ? this.stepLimit : this.builtLimit;
    // When the pool's remainder was the tighter limit, say so: the rule alone may be fine.
    throw new RuleBudgetError(
      kind,
      limit < own && this.pool ? this.pool.limits[kind] : own,
      limit < own && this.pool ? this.pool.owner : 'one evaluation',
    );
  }
}
