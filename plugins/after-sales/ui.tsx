// The after-sales card face: a case's kind, its claim against the organisation's limit
// (policy.max_claim_cny), flagged while it needs the store manager's approval (beyond the claim or
// discount limit, or no policy covers it: the rule of within-policy.ts), and whom it waits for.
import { definePluginUi, text, type Bilingual, type CardFaceProps } from '#plugin-ui';
import { createResource, createRoot, Show } from 'solid-js';

const KINDS: Record<string, Bilingual> = {
  return: { 'zh-CN': '退货', en: 'Return' },
  exchange: { 'zh-CN': '换货', en: 'Exchange' },
  refund: { 'zh-CN': '退款', en: 'Refund' },
  complaint: { 'zh-CN': '投诉', en: 'Complaint' },
  negative_review: { 'zh-CN': '中差评', en: 'Negative review' },
  lost_parcel: { 'zh-CN': '快递丢件', en: 'Lost parcel' },
  missing_item: { 'zh-CN': '漏发少发', en: 'Missing item' },
};

const WAITING: Record<string, Bilingual> = {
  waiting_customer: { 'zh-CN': '等买家回复', en: 'Waiting for the buyer' },
  waiting_courier: { 'zh-CN': '等快递', en: 'Waiting for the courier' },
};

const APPROVAL: Record<string, Bilingual> = {
  awaiting_approval: { 'zh-CN': '已提交店长', en: 'Sent to the store manager' },
  approved: { 'zh-CN': '店长已批准', en: 'Store manager approved' },
};

const money = (amount: number) => `¥${amount.toLocaleString('en-US')}`;

type Policies = Record<string, unknown>;
/**
 * The organisation's policies, read once for every face on the page (a face itself must not fetch). Without
 * org.view there are none: the face then shows the claim without its limit, flagged by the workflow alone.
 */
const policies = createRoot(() => {
  const [read] = createResource(async (): Promise<Policies> => {
    const response = await fetch('/api/org');
    if (!response.ok) return {};
    return ((await response.json()).organization?.policies ?? {}) as Policies;
  });
  return () => read() ?? {};
});
const limit = (key: string) => {
  const value = policies()[key];
  return typeof value === 'number' ? value : undefined;
};
const number = (value: unknown) => (typeof value === 'number' ? value : 0);

function CaseFace(props: CardFaceProps) {
  const isCase = () => props.card.type === 'after-sales.case';
  const kind = () => KINDS[String(props.card.fields.case_type)];
  const claim = () => (typeof props.card.fields.claim_amount === 'number' ? props.card.fields.claim_amount : null);
  const uncovered = () => props.card.fields.policy_covered === false;
  const approval = () => APPROVAL[props.card.status];
  const maxClaim = () => limit('max_claim_cny');
  // Beyond what an agent settles alone (a missing policy counts as 0, as the guard has it) and not yet decided.
  const beyond = () =>
    uncovered() ||
    number(props.card.fields.claim_amount) > (maxClaim() ?? 0) ||
    number(props.card.fields.requested_discount_pct) > (limit('max_discount_pct') ?? 0);
  const settled = () => ['approved', 'resolved', 'closed'].includes(props.card.status);
  const flagged = () => beyond() && !settled();
  return (
    <Show when={isCase()}>
      <Show when={kind()}>{(words) => <span class="chip">{text(words())}</span>}</Show>
      <Show when={claim() !== null && claim()! > 0}>
        <span class="chip" classList={{ warning: flagged() }}>
          <span aria-hidden="true">
            {maxClaim() === undefined ? money(claim()!) : `${money(claim()!)}/${money(maxClaim()!)}`}
          </span>
          <span class="visually-hidden">
            {maxClaim() === undefined
              ? text({ 'zh-CN': `索赔 ${money(claim()!)}`, en: `Claim ${money(claim()!)}` })
              : text({
                  'zh-CN': `索赔 ${money(claim()!)},规定上限 ${money(maxClaim()!)}`,
                  en: `Claim ${money(claim()!)} of a ${money(maxClaim()!)} limit`,
                })}
          </span>
        </span>
      </Show>
      <Show when={uncovered()}>
        <span class="chip">{text({ 'zh-CN': '无规定可依', en: 'No policy covers it' })}</span>
      </Show>
      <Show when={flagged()}>
        <span class="chip warning">{text({ 'zh-CN': '需店长审批', en: 'Needs store manager approval' })}</span>
      </Show>
      <Show when={approval()}>{(words) => <span class="chip">{text(words())}</span>}</Show>
      <Show when={WAITING[props.card.status]}>{(words) => <span class="chip">{text(words())}</span>}</Show>
    </Show>
  );
}

export default definePluginUi({ taskTypes: ['after-sales.case'], cardFace: CaseFace });
