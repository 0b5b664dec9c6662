// The request each webhook format makes of an escalation event, checked against signatures computed
// independently (Python's hmac, the vectors below) and against the robots' documented body shapes.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildRequest, escalationEvent, refusalOf, signBody, verifySignature, type WebhookEvent } from './webhook-formats.ts';

const NOW = new Date(1_700_000_000_000);
const SECRET = 'SECtest-secret';
// python3: base64(hmac(SECRET, f"{ms}\n{SECRET}")) and base64(hmac(f"{s}\n{SECRET}", b""))
const DINGTALK_SIGN = 'LC7hxZ4wslL+P7j7gu1hoQ+wzByekL+yWgiUMekZs0g=';
const FEISHU_SIGN = 'w45RjJ/JLSmtVNrVDMFrFhYJls6HgrtlxG/UFs43++0=';

const event: WebhookEvent = escalationEvent({
  task: { id: 42, title: '退款单 #1234 未处理', type: 'core.task', status: 'doing', priority: 'high' },
  rule: 'agent/overdue', ruleTitle: '逾期未处理', cycle: 2, ledgerLevel: 0, targetRole: 'lead',
  cardUrl: 'https://board.example.cn/tasks/42', firedAt: new Date('2025-03-01T06:05:00Z'), timeZone: 'Asia/Shanghai',
});
const json = (body: string) => JSON.parse(body) as Record<string, unknown>;

describe('escalationEvent', () => {
  it('keys the event like the ledger (task, rule, cycle, level) and counts levels from 1', () => {
    expect(event).toMatchObject({ dedupKey: 'escalation:42:agent/overdue:2:0', level: 1, firedAt: '2025-03-01T06:05:00.000Z', task: { id: 42, priority: 'high' } });
  });
});

describe('generic JSON', () => {
  it('sends the event with its delivery key, timestamp and an HMAC-SHA256 of the raw body', () => {
    const request = buildRequest({ url: 'https://hooks.example.com/in', format: 'generic', secret: 'whsec' }, event, NOW);
    expect(json(request.body)).toEqual({ type: 'task.escalated', ...event });
    expect(request.headers).toMatchObject({ 'Content-Type': 'application/json', 'X-Dutyboard-Delivery': event.dedupKey, 'X-Dutyboard-Timestamp': '1700000000' });
    const expected = `sha256=${createHmac('sha256', 'whsec').update(request.body).digest('hex')}`;
    expect(request.headers['X-Dutyboard-Signature']).toBe(expected);
    expect(verifySignature('whsec', request.body, request.headers['X-Dutyboard-Signature'])).toBe(true);
    expect(verifySignature('other', request.body, request.headers['X-Dutyboard-Signature'])).toBe(false);
    expect(verifySignature('whsec', `${request.body} `, request.headers['X-Dutyboard-Signature'])).toBe(false);
  });

  it('matches an independently computed signature, and sends none without a secret', () => {
    expect(signBody('whsec', '{"a":1}')).toBe('sha256=19373ef0e8c66f206e49d251e4402291615bbce6ef00922e94a47a213fb76ee1');
    const request = buildRequest({ url: 'https://hooks.example.com/in', format: 'generic', secret: null }, event, NOW);
    expect(request.headers['X-Dutyboard-Signature']).toBeUndefined();
  });
});

describe('DingTalk robot', () => {
  const url = 'https://oapi.dingtalk.com/robot/send?access_token=abc123';

  it('sends markdown with a title and the card link', () => {
    const request = buildRequest({ url, format: 'dingtalk', secret: null }, event, NOW);
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
    const request = buildRequest({ url, format: 'dingtalk', secret: SECRET }, event, NOW);
    expect(request.url).toBe(`${url}&timestamp=1700000000000&sign=${encodeURIComponent(DINGTALK_SIGN)}`);
    expect(new URL(request.url).searchParams.get('sign')).toBe(DINGTALK_SIGN);
  });
});

describe('WeCom robot', () => {
  it('sends markdown content with the card link and stays under the 4096-byte limit', () => {
    const request = buildRequest({ url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k', format: 'wecom', secret: SECRET }, event, NOW);
    const body = json(request.body) as { msgtype: string; markdown: { content: string } };
    expect(Object.keys(body)).toEqual(['msgtype', 'markdown']);
    expect(body.msgtype).toBe('markdown');
    expect(body.markdown.content).toContain('### 升级提醒：逾期未处理');
    expect(body.markdown.content).toContain('<font color="warning">第 1 级，升级给 lead</font>');
    expect(body.markdown.content).toContain('[打开卡片](https://board.example.cn/tasks/42)');
    expect(request.url).toBe('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k');

    const long = buildRequest({ url: 'https://qyapi.weixin.qq.com/x', format: 'wecom', secret: null }, { ...event, task: { ...event.task, title: '很长的标题'.repeat(2000) } }, NOW);
    expect(Buffer.byteLength((json(long.body) as { markdown: { content: string } }).markdown.content)).toBeLessThan(4096);
  });

  it('keeps a hostile title from breaking the link or opening tags', () => {
    const request = buildRequest({ url: 'https://qyapi.weixin.qq.com/x', format: 'wecom', secret: null }, { ...event, task: { ...event.task, title: 'a](https://evil.example)<font color="info">\nb' } }, NOW);
    const content = (json(request.body) as { markdown: { content: string } }).markdown.content;
    expect(content).toContain('[a］(https://evil.example)＜font color="info"＞ b](https://board.example.cn/tasks/42)');
    expect(content).not.toContain('](https://evil.example)');
  });
});

describe('Feishu robot', () => {
  const url = 'https://open.feishu.cn/open-apis/bot/v2/hook/0123456789abcdef';

  it('sends an interactive card with a markdown element, the card link and a button', () => {
    const request = buildRequest({ url, format: 'feishu', secret: null }, event, NOW);
    const body = json(request.body) as { msg_type: string; card: { header: { title: { content: string } }; elements: { tag: string; content?: string; actions?: { url: string }[] }[] } };
    expect(body.msg_type).toBe('interactive');
    expect(body).not.toHaveProperty('sign');
    expect(body.card.header.title.content).toBe('升级提醒：逾期未处理');
    expect(body.card.elements[0]).toMatchObject({ tag: 'markdown' });
    expect(body.card.elements[0]!.content).toContain('[退款单 ＃1234 未处理](https://board.example.cn/tasks/42)');
    expect(body.card.elements[1]!.actions![0]!.url).toBe('https://board.example.cn/tasks/42');
    expect(request.url).toBe(url);
  });

  it('signs with timestamp (s) and base64(HMAC(key = timestamp\\nsecret, empty message))', () => {
    const body = json(buildRequest({ url, format: 'feishu', secret: SECRET }, event, NOW).body);
    expect(body).toMatchObject({ timestamp: '1700000000', sign: FEISHU_SIGN, msg_type: 'interactive' });
  });
});

describe('refusalOf', () => {
  it('accepts 2xx, except a robot answering 200 with an error code', () => {
    expect(refusalOf('generic', 200, 'ok')).toBeUndefined();
    expect(refusalOf('generic', 204, '')).toBeUndefined();
    expect(refusalOf('generic', 500, 'boom')).toBe('HTTP 500: boom');
    expect(refusalOf('dingtalk', 302, '')).toBe('HTTP 302');
    expect(refusalOf('dingtalk', 200, '{"errcode":0,"errmsg":"ok"}')).toBeUndefined();
    expect(refusalOf('dingtalk', 200, '{"errcode":310000,"errmsg":"sign not match"}')).toBe('dingtalk refused (310000): sign not match');
    expect(refusalOf('wecom', 200, '{"errcode":93000,"errmsg":"invalid webhook url"}')).toMatch(/^wecom refused \(93000\)/);
    expect(refusalOf('feishu', 200, '{"code":0,"msg":"success"}')).toBeUndefined();
    expect(refusalOf('feishu', 200, '{"StatusCode":0,"StatusMessage":"success"}')).toBeUndefined();
    expect(refusalOf('feishu', 200, '{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"}')).toMatch(/^feishu refused \(19021\): sign match fail/);
    expect(refusalOf('feishu', 200, 'not json')).toBeUndefined();
  });
});
