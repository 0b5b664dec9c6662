// The request each webhook format makes of an escalation event, checked against signatures computed
// independently (Python's hmac, the vectors below) and against the robots' documented body shapes.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  buildRequest,
  escalationEvent,
  refusalOf,
  signBody,
  verifySignature,
  type WebhookEvent,
} from './webhook-formats.ts';

const NOW = new Date(1_700_000_000_000);
const SECRET = 'SECtest-secret';
// python3: base64(hmac(SECRET, f"{ms}\n{SECRET}")) and base64(hmac(f"{s}\n{SECRET}", b""))
const DINGTALK_SIGN = 'LC7hxZ4wslL+P7j7gu1hoQ+wzByekL+yWgiUMekZs0g=';
const FEISHU_SIGN = 'w45RjJ/JLSmtVNrVDMFrFhYJls6HgrtlxG/UFs43++0=';

const event: WebhookEvent = escalationEvent({
  task: { id: 42, title: '退款单 #1234 未处理', type: 'core.task', status: 'doing', priority: 'high' },
  rule: 'agent/overdue',
  ruleTitle: '逾期未处理',
  cycle: 2,
  ledgerLevel: 0,
  targetRole: 'lead',
  cardUrl: 'https://board.example.cn/tasks/42',
  firedAt: new Date('2025-03-01T06:05:00Z'),
  timeZone: 'Asia/Shanghai',
});
const json = (body: string) => JSON.parse(body) as Record<string, unknown>;

describe('escalationEvent', () => {
  it('keys the event like the ledger (task, rule, cycle, level) and counts levels from 1', () => {
    expect(event).toMatchObject({
      dedupKey: 'escalation:42:agent/overdue:2:0',
      level: 1,
      firedAt: '2025-03-01T06:05:00.000Z',
      task: { id: 42, priority: 'high' },
    });
  });
});

describe('generic JSON', () => {
  it('sends the event with its delivery key, timestamp and an HMAC-SHA256 of the timestamp and the raw body', () => {
    const request = buildRequest(
      { url: 'https://hooks.example.com/in', format: 'generic', secret: 'whsec' },
      event,
      NOW,
    );
    expect(json(request.body)).toEqual({ type: 'task.escalated', ...event });
    expect(request.headers).toMatchObject({
      'Content-Type': 'application/json',
      'X-Dutyboard-Delivery': event.dedupKey,
      'X-Dutyboard-Timestamp': '1700000000',
    });
    const expected = `sha256=${createHmac('sha256', 'whsec').update(`1700000000.${request.body}`).digest('hex')}`;
    expect(request.headers['X-Dutyboard-Signature']).toBe(expected);
    const delivery = {
      timestamp: '1700000000',
      body: request.body,
      signature: request.headers['X-Dutyboard-Signature'],
    };
    expect(verifySignature('whsec', delivery, NOW)).toBe(true);
    expect(verifySignature('other', delivery, NOW)).toBe(false);
    expect(verifySignature('whsec', { ...delivery, body: `${request.body} ` }, NOW)).toBe(false);
  });

  it('signs the timestamp, so a receiver refuses a replay with a new timestamp and an old one by its age', () => {
    const request = buildRequest(
      { url: 'https://hooks.example.com/in', format: 'generic', secret: 'whsec' },
      event,
      NOW,
    );
    const delivery = {
      timestamp: '1700000000',
      body: request.body,
      signature: request.headers['X-Dutyboard-Signature'],
    };
    const later = new Date(NOW.getTime() + 3600_000);
    expect(verifySignature('whsec', { ...delivery, timestamp: String(1700000000 + 3600) }, later)).toBe(false);
    expect(verifySignature('whsec', delivery, later)).toBe(false);
    expect(verifySignature('whsec', delivery, new Date(NOW.getTime() + 299_000))).toBe(true);
    expect(verifySignature('whsec', delivery, new Date(NOW.getTime() + 301_000))).toBe(false);
    expect(verifySignature('whsec', { ...delivery, timestamp: undefined }, NOW)).toBe(false);
  });

  it('matches an independently computed signature, and sends none without a secret', () => {
    // python3: hmac.new(b'whsec', b'1700000000.{"a":1}', hashlib.sha256).hexdigest()
    expect(signBody('whsec', '1700000000', '{"a":1}')).toBe(
      'sha256=8ad37ba156048ae0e0a5533c75cdf26fee88b07f93cb57ee4c80adb053012032',
    );
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
    const request = buildRequest(
      { url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k', format: 'wecom', secret: SECRET },
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
      { url: 'https://qyapi.weixin.qq.com/x', format: 'wecom', secret: null },
      { ...event, task: { ...event.task, title: '很长的标题'.repeat(2000) } },
      NOW,
    );
    expect(Buffer.byteLength((json(long.body) as { markdown: { content: string } }).markdown.content)).toBeLessThan(
      4096,
    );
  });

  it('keeps a hostile title from breaking the link or opening tags', () => {
    const request = buildRequest(
      { url: 'https://qyapi.weixin.qq.com/x', format: 'wecom', secret: null },
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
    const request = buildRequest({ url, format: 'feishu', secret: null }, event, NOW);
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
    const body = json(buildRequest({ url, format: 'feishu', secret: SECRET }, event, NOW).body);
    expect(body).toMatchObject({ timestamp: '1700000000', sign: FEISHU_SIGN, msg_type: 'interactive' });
  });
});

describe('refusalOf', () => {
  it("accepts 2xx, except a robot answering 200 with an error code; keeps the status or the code, never the receiver's text", () => {
    expect(refusalOf('generic', 200, 'ok')).toBeUndefined();
    expect(refusalOf('generic', 204, '')).toBeUndefined();
    expect(refusalOf('generic', 500, 'boom')).toBe('HTTP 500');
    expect(refusalOf('dingtalk', 302, '')).toBe('HTTP 302');
    expect(refusalOf('dingtalk', 200, '{"errcode":0,"errmsg":"ok"}')).toBeUndefined();
    expect(refusalOf('dingtalk', 200, '{"errcode":310000,"errmsg":"sign not match"}')).toBe(
      'dingtalk refused (error code 310000)',
    );
    expect(refusalOf('wecom', 200, '{"errcode":93000,"errmsg":"invalid webhook url"}')).toBe(
      'wecom refused (error code 93000)',
    );
    expect(refusalOf('feishu', 200, '{"code":0,"msg":"success"}')).toBeUndefined();
    expect(refusalOf('feishu', 200, '{"StatusCode":0,"StatusMessage":"success"}')).toBeUndefined();
    expect(
      refusalOf(
        'feishu',
        200,
        '{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"}',
      ),
    ).toBe('feishu refused (error code 19021)');
    expect(refusalOf('feishu', 200, 'not json')).toBeUndefined();
    expect(refusalOf('wecom', 200, '{"errcode":"internal secret"}')).toBe('wecom refused (error code ?)');
  });
});
