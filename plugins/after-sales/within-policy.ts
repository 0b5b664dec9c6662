// The store's rule for after-sales (seed 003, 不能解决:找店长): an agent settles a case alone only when a
// policy covers it, the claim is within policy.max_claim_cny and any discount within policy.max_discount_pct.
// Anything else goes to the store manager. A missing policy counts as 0: then every claim needs approval.

/**
 * JsonLogic: true when an agent may settle the case without the store manager. The transitions it
 * guards require policy_covered to be filled in, so an unset flag is reported as missing, not as beyond policy.
 */
export const WITHIN_POLICY = {
  and: [
    { '!==': [{ var: 'task.fields.policy_covered' }, false] },
    { '<=': [{ var: ['task.fields.claim_amount', 0] }, { var: ['policy.max_claim_cny', 0] }] },
    { '<=': [{ var: ['task.fields.requested_discount_pct', 0] }, { var: ['policy.max_discount_pct', 0] }] },
  ],
};

export const BEYOND_POLICY_MESSAGE =
  '索赔或折扣超出公司规定,或没有规定可依,须店长批准:请提交店长审批 (The claim or discount is beyond policy, or no policy covers it: send it to the store manager for approval)';

/** The fields the store manager's decision is about: they cannot change while it waits or once it is given. */
export const DECIDED_FIELDS = ['claim_amount', 'requested_discount_pct', 'policy_covered'];
