// The lead time of a proposal (seed 000, 活动策划 工作内容): "策划节日活动,提前两个月提交活动立项,团队
// 审核 … 新品上线活动,提前一个月提交团队". Proposing (draft → review) a festival campaign that starts in
// less than two months, or a new-product one in less than one, is refused with the latest day it could
// have been proposed. Events are planned fast and platform campaigns follow the platform's deadlines.
import type { HookContext, TransitionContext, Veto } from '#plugin-api';
import { CAMPAIGN } from './campaign.ts';
import { addMonths, chinaDate } from './china-dates.ts';
import type { Kind } from './kinds.ts';
import { both, name } from './names.ts';

export const LEAD_MONTHS: Partial<Record<Kind, number>> = { festival: 2, new_product: 1 };

const KIND_WORDS: Partial<Record<Kind, { zh: string; en: string; months: { zh: string; en: string } }>> = {
  festival: { zh: '节日活动', en: 'A festival campaign', months: { zh: '两个月', en: 'two months' } },
  new_product: { zh: '新品上线活动', en: 'A new-product campaign', months: { zh: '一个月', en: 'one month' } },
};

/** The latest day a campaign of this kind starting on `startsOn` may be proposed, or undefined when any day will do. */
export function proposalDeadline(kind: unknown, startsOn: string): string | undefined {
  const months = LEAD_MONTHS[kind as Kind];
  return months === undefined ? undefined : addMonths(startsOn, -months);
}

export function checkLeadTime(ctx: TransitionContext, plugin: HookContext): Veto | undefined {
  if (ctx.task.type !== CAMPAIGN || ctx.from !== 'draft' || ctx.to !== 'review') return undefined;
  const { kind, starts_on: startsOn, ends_on: endsOn } = ctx.task.fields;
  if (typeof startsOn !== 'string') return undefined; // required_fields refuses it first
  if (typeof endsOn === 'string' && endsOn < startsOn)
    return {
      veto: both(
        name(
          `结束日期 ${endsOn} 早于开始日期 ${startsOn}`,
          `The campaign ends on ${endsOn}, before it starts on ${startsOn}`,
        ),
      ),
    };
  const deadline = proposalDeadline(kind, startsOn);
  const today = chinaDate(plugin.now());
  if (deadline === undefined || today <= deadline) return undefined;
  const words = KIND_WORDS[kind as Kind]!;
  return {
    veto: both(
      name(
        `${words.zh}须在开始前至少${words.months.zh}提交立项:${startsOn} 开始,最迟 ${deadline} 提交,今天是 ${today}`,
        `${words.en} is proposed at least ${words.months.en} before it starts: it starts on ${startsOn}, so it had to be proposed by ${deadline}; today is ${today}`,
      ),
    ),
  };
}
