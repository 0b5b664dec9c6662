// What the three robots show of an escalation: a title and four lines in Chinese (the groups they post
// to read it), with the card's title made harmless to each robot's markdown.
import type { NotificationMessage } from '#plugin-api';

const PRIORITY_ZH: Record<NotificationMessage['task']['priority'], string> = {
  low: '低',
  normal: '普通',
  high: '高',
  urgent: '紧急',
};

/** A card title must not break the robot's markdown: `]` would end the link text, `<` opens WeCom tags. */
export function plain(text: string, max = 200): string {
  const flat = text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[[\]<>*`#]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** A URL as a markdown link's target: parentheses and spaces would end it early. */
export const linkTarget = (url: string) => url.replace(/[()\s]/g, encodeURIComponent);

function shownTime(message: NotificationMessage): string {
  const timeZone = message.timeZone ?? 'UTC';
  // sv-SE formats as `2025-03-01 14:05`, unambiguous for Chinese readers as well.
  const time = new Intl.DateTimeFormat('sv-SE', { timeZone, dateStyle: 'short', timeStyle: 'short' }).format(
    new Date(message.firedAt),
  );
  return `${time}（${timeZone}）`;
}

/** The title and lines every robot shows; line 1 (index 1) is the level, which WeCom highlights. */
export function summary(message: NotificationMessage) {
  const title = `升级提醒：${plain(message.ruleTitle, 60)}`;
  const level = `第 ${message.level} 级，升级给 ${message.targetRole ? plain(message.targetRole, 60) : '（无人可接）'}`;
  const lines = [
    `卡片：[${plain(message.task.title)}](${linkTarget(message.cardUrl)})（#${message.task.id}）`,
    `级别：${level}`,
    `状态：${plain(message.task.status, 60)}　优先级：${PRIORITY_ZH[message.task.priority]}`,
    `时间：${shownTime(message)}`,
  ];
  return { title, lines };
}

/** The robots answer HTTP 200 with their verdict in the body: DingTalk and WeCom `errcode`, Feishu `code` or `StatusCode`. */
export const robotErrorCode = (answer: Record<string, unknown>) => answer.errcode ?? answer.code ?? answer.StatusCode;

export const JSON_HEADERS = { 'Content-Type': 'application/json' };
