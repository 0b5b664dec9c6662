// The request each robot channel makes of an escalation, checked against signatures computed
// independently (Python's hmac, the vectors below) and against the robots' documented body shapes,
// and how each robot's answer is read.
import { describe, expect, it } from 'vitest';
import { refusalOf, requestFor } from '../../core/notifications/channels.ts';
import type { NotificationChannel, NotificationMessage } from '#plugin-api';
import { dingtalk } from './dingtalk.ts';
import { feishu } from './feishu.ts';
import { wecom } from './wecom.ts';

const NOW = new Date(1_700_000_000_000);
const SECRET = 'SECtest-secret';
// python3: base64(hmac(SECRET, f"{ms}\n{SECRET}")) and base64(hmac(f"{s}\n{SECRET}", b""))
const DINGTALK_SIGN = 'LC7hxZ4wslL+P7j7gu1hoQ+wzByekL+yWgiUMekZs0g=';
const FEISHU_SIGN = 'w45RjJ/JLSmtVNrVDMFrFhYJls6HgrtlxG/UFs43++0=';

const event: NotificationMessage = {
  dedupKey: 'escalation:42:agent/overdue:2:0',
  rule: 'agent/overdue',
  ruleTitle: '逾期未处理',
  level: 1,
  targetRole: 'lead',
  task: { id: 42, title: '退款单 #1234 未处理', type: 'core.task', status: 'doing', priority: 'high' },
  cardUrl: 'https://board.example.cn/tasks/42',
  firedAt: '2025-03-01T06:05:00.000Z',
  timeZone: 'Asia/Shanghai',
};
const json = (body: string) => JSON.parse(body) as Record<string, unknown>;
const buildRequest = (
  channel: NotificationChannel,
  target: { url: string; secret: string | null; settings?: Record<string, unknown> },
  message: NotificationMessage,
  now: Date,
) => requestFor(channel, message, { settings: {}, ...target }, now);

describe('DingTalk robot', () => {
  const url = 'https://oapi.dingtalk.com/robot/send?access_token=abc123';

  it('sends markdown with a title and the card link', () => {
    const request = buildRequest(dingtalk, { url, secret: null }, event, NOW);
    const body = json(request.body) as { msgtype: string; markdown: { title: string; text: string } };
    expect(body.msgtype).toBe('markdown');
    expect(body.markdown.title).toBe('升级提醒：逾期未处理');
    expect(body.markdown.text).toContain('### 升级提醒：逾期未处理');
    expect(body.markdown.text).toContain('[退款单 ＃1234 未处理](https://board.example.cn/tasks/42)');
    expect(body.markdown.text).toContain('第 1 级，升级给 lead');
    expect(body.markdown.text).toContain('优先级：高');
    expect(body.markdown.text).toContain('2025-03-01 14:05（Asia/Shanghai）');
    expect(request.url).toBe(url);
  });

  it('adds timestamp (ms) and the url-encoded sign to the query when a secret is set', () => {
    const request = buildRequest(dingtalk, { url, secret: SECRET }, event, NOW);
    expect(request.url).toBe(`${url}&timestamp=1700000000000&sign=${encodeURIComponent(DINGTALK_SIGN)}`);
    expect(new URL(request.url).searchParams.get('sign')).toBe(DINGTALK_SIGN);
  });

  it('@s the members its settings name (their numbers in the text too, or the mention does not show), or everyone', () => {
    const mentioning = buildRequest(
      dingtalk,
      { url, secret: null, settings: { atMobiles: ['13800138000'] } },
      event,
      NOW,
    );
    const body = json(mentioning.body) as { markdown: { text: string }; at: unknown };
    expect(body.at).toEqual({ atMobiles: ['13800138000'], isAtAll: false });
    expect(body.markdown.text.endsWith('\n\n@13800138000')).toBe(true);
    const everyone = json(buildRequest(dingtalk, { url, secret: null, settings: { atAll: true } }, event, NOW).body);
    expect(everyone.at).toEqual({ atMobiles: [], isAtAll: true });
    expect(json(buildRequest(dingtalk, { url, secret: null }, event, NOW).body)).not.toHaveProperty('at');
  });

  it('takes only mobile numbers and the everyone switch as settings', () => {
    expect(dingtalk.settings!.safeParse({ atMobiles: ['+8613800138000'], atAll: false }).success).toBe(true);
    expect(dingtalk.settings!.safeParse({ atMobiles: ['lead'] }).success).toBe(false);
    expect(dingtalk.settings!.safeParse({ atUserIds: ['x'] }).success).toBe(false);
  });
});

describe('WeCom robot', () => {
  it('sends markdown content with the card link and stays under the 4096-byte limit', () => {
    const request = buildRequest(
      wecom,
      { url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k', secret: SECRET },
      event,
      NOW,
    );
    const body = json(request.body) as { msgtype: string; markdown: { content: string } };
    expect(Object.keys(body)).toEqual(['msgtype', 'markdown']);
    expect(body.msgtype).toBe('markdown');
    expect(body.markdown.content).toContain('### 升级提醒：逾期未处理');
    expect(body.markdown.content).toContain('<font color="warning">第 1 级，升级给 lead</font>');
    expect(body.markdown.content).toContain('[打开卡片](https://board.example.cn/tasks/42)');
    expect(request.url).toBe('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k');

    const long = buildRequest(
      wecom,
      { url: 'https://qyapi.weixin.qq.com/x', secret: null },
      { ...event, task: { ...event.task, title: '很长的标题'.repeat(2000) } },
      NOW,
    );
    expect(Buffer.byteLength((json(long.body) as { markdown: { content: string } }).markdown.content)).toBeLessThan(
      4096,
    );
  });

  it('keeps a hostile title from breaking the link or opening tags', () => {
    const request = buildRequest(
      wecom,
      { url: 'https://qyapi.weixin.qq.com/x', secret: null },
      { ...event, task: { ...event.task, title: 'a](https://evil.example)<font color="info">\nb' } },
      NOW,
    );
    const content = (json(request.body) as { markdown: { content: string } }).markdown.content;
    expect(content).toContain('[a］(https://evil.example)＜font color="info"＞ b](https://board.example.cn/tasks/42)');
    expect(content).not.toContain('](https://evil.example)');
  });
});

describe('Feishu robot', () => {
  const url = 'https://open.feishu.cn/open-apis/bot/v2/hook/0123456789abcdef';

  it('sends an interactive card with a markdown element, the card link and a button', () => {
    const request = buildRequest(feishu, { url, secret: null }, event, NOW);
    const body = json(request.body) as {
      msg_type: string;
      card: {
        header: { title: { content: string } };
        elements: { tag: string; content?: string; actions?: { url: string }[] }[];
      };
    };
    expect(body.msg_type).toBe('interactive');
    expect(body).not.toHaveProperty('sign');
    expect(body.card.header.title.content).toBe('升级提醒：逾期未处理');
    expect(body.card.elements[0]).toMatchObject({ tag: 'markdown' });
    expect(body.card.elements[0]!.content).toContain('[退款单 ＃1234 未处理](https://board.example.cn/tasks/42)');
    expect(body.card.elements[1]!.actions![0]!.url).toBe('https://board.example.cn/tasks/42');
    expect(request.url).toBe(url);
  });

  it('signs with timestamp (s) and base64(HMAC(key = timestamp\\nsecret, empty message))', () => {
    const body = json(buildRequest(feishu, { url, secret: SECRET }, event, NOW).body);
    expect(body).toMatchObject({ timestamp: '1700000000', sign: FEISHU_SIGN, msg_type: 'interactive' });
  });
});

describe("the robots' answers", () => {
  it("accepts 2xx, except a robot answering 200 with an error code; keeps the status or the code, never the receiver's text", () => {
    expect(refusalOf(dingtalk, 302, '')).toBe('HTTP 302');
    expect(refusalOf(dingtalk, 200, '{"errcode":0,"errmsg":"ok"}')).toBeUndefined();
    expect(refusalOf(dingtalk, 200, '{"errcode":310000,"errmsg":"sign not match"}')).toBe(
      'chat-webhooks.dingtalk refused (error code 310000)',
    );
    expect(refusalOf(wecom, 200, '{"errcode":93000,"errmsg":"invalid webhook url"}')).toBe(
      'chat-webhooks.wecom refused (error code 93000)',
    );
    expect(refusalOf(feishu, 200, '{"code":0,"msg":"success"}')).toBeUndefined();
    expect(refusalOf(feishu, 200, '{"StatusCode":0,"StatusMessage":"success"}')).toBeUndefined();
    expect(
      refusalOf(
        feishu,
        200,
        '{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"}',
      ),
    ).toBe('chat-webhooks.feishu refused (error code 19021)');
    expect(refusalOf(feishu, 200, 'not json')).toBeUndefined();
    expect(refusalOf(wecom, 200, '{"errcode":"internal secret"}')).toBe('chat-webhooks.wecom refused (error code ?)');
  });
});
