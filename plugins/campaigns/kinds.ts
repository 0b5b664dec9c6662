// The four kinds of campaign (DOMAIN §4), named for the card's field and its face.
import { name } from './names.ts';

export const KINDS = ['festival', 'event', 'new_product', 'platform'] as const;
export type Kind = (typeof KINDS)[number];

export const KIND_NAMES: Record<Kind, { 'zh-CN': string; en: string }> = {
  festival: name('节日活动', 'Festival'),
  event: name('事件活动', 'Event'),
  new_product: name('新品上线', 'New product'),
  platform: name('平台活动', 'Platform'),
};
