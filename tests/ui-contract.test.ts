// The one contract between server and UI. Response types the UI uses are the routes' declared schemas
// (every answer is checked against its schema under test, see core/http/output.ts); the typed client's
// view of each read must fit them (checked by `npm run typecheck`); and every websocket message the
// server sends, on a board and in an inbox, must parse with the schema the UI reads it by.
import type { InferResponseType } from 'hono/client';
import type { hc } from 'hono/client';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import WebSocket from 'ws';
import type { ApiRoutes, BoardCard, CardDetail, Directory, Me, MyWork, TaskType } from '../core/http/contract.ts';
import { attachBoardSockets } from '../core/events/board-socket.ts';
import { serverMessageSchema, type LiveServerMessage } from '../core/events/live-messages.ts';
import { startHttpServer, type RunningServer } from '../core/http/server.ts';
import { testDatabases } from './helpers/databases.ts';
import { memoryLogger } from './helpers/silent-logger.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

type Client = ReturnType<typeof hc<ApiRoutes>>;

const org = `
version: 1
organization: {id: contract, name: Contract}
roles:
  - {id: lead, name: Lead, can: [boards.view, tasks.create, tasks.move, tasks.edit]}
members:
  - {email: a@contract.test, name: 安, roles: [lead]}
  - {email: b@contract.test, name: 白, roles: [lead]}
`;

describe('the UI contract', () => {
  it('types each read the UI makes, through the route table, as the schema the route declares', () => {
    expectTypeOf<InferResponseType<Client['tasks'][':id']['detail']['$get'], 200>>().toExtend<CardDetail>();
    expectTypeOf<InferResponseType<Client['task-types']['$get'], 200>>().toExtend<TaskType[]>();
    expectTypeOf<InferResponseType<Client['directory']['$get'], 200>>().toExtend<Directory>();
    expectTypeOf<InferResponseType<Client['me']['work']['$get'], 200>>().toExtend<MyWork>();
    expectTypeOf<InferResponseType<Client['session']['$get'], 200>>().toExtend<{ me: Me | null }>();
    expectTypeOf<InferResponseType<Client['boards'][':id']['$get'], 200>['cards'][number]>().toExtend<BoardCard>();
  });
});

describe.each(testDatabases)('live messages on $kind', (database) => {
  let t: TestApp;
  let server: RunningServer;
  let sockets: { close(): void };
  let cookies: string[];

  beforeAll(async () => {
    t = await createTestApp(database, [{ name: 'contract.yaml', text: org }]);
    server = await startHttpServer(t.app, { port: 0, host: '127.0.0.1' });
    sockets = attachBoardSockets(server.server, t.services, memoryLogger().log);
    cookies = await Promise.all([t.signIn('a@contract.test'), t.signIn('b@contract.test')]);
  });
  afterAll(async () => {
    sockets.close();
    await server.stop(1000);
    await t.dispose();
  });

  function open(path: string, cookie: string) {
    const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}${path}`, { headers: { Cookie: cookie } });
    const messages: unknown[] = [];
    ws.on('message', (data) => messages.push(JSON.parse(String(data))));
    const until = (predicate: (message: LiveServerMessage) => boolean) =>
      expect
        .poll(
          () => messages.some((m) => serverMessageSchema.safeParse(m).success && predicate(m as LiveServerMessage)),
          { timeout: 5000 },
        )
        .toBe(true);
    return { ws, messages, until, opened: new Promise((resolve) => ws.once('open', resolve)) };
  }

  it('sends only messages the UI can read: hello, events, presence, notifications', async () => {
    const [a, b] = cookies as [string, string];
    const board = open('/api/boards/core-task/live', b);
    const other = open('/api/boards/core-task/live', a);
    const inbox = open('/api/me/live', b);
    await Promise.all([board.opened, other.opened, inbox.opened]);
    await board.until((m) => m.type === 'hello');

    const card = await (
      await t.call('POST', '/api/tasks', { cookie: a, body: { type: 'core.task', title: '契约' } })
    ).json();
    await t.call('PUT', `/api/tasks/${card.id}/watch`, { cookie: b });
    other.ws.send(JSON.stringify({ type: 'viewing', taskId: card.id }));
    await board.until((m) => m.type === 'presence' && m.viewers.some((v) => v.taskId === card.id && v.name === '安'));
    await t.call('PATCH', `/api/tasks/${card.id}/transition`, {
      cookie: a,
      body: { to: 'in_progress', expectedVersion: card.version },
    });
    await board.until(
      (m) => m.type === 'event' && m.event.type === 'task.transitioned' && m.task?.status === 'in_progress',
    );
    await inbox.until((m) => m.type === 'notification' && m.event.taskId === card.id);

    // A card closed by the viewer, and a viewer who leaves, are heard too.
    other.ws.send(JSON.stringify({ type: 'viewing', taskId: null }));
    await board.until((m) => m.type === 'presence' && m.viewers.length === 0);
    for (const message of [...board.messages, ...other.messages, ...inbox.messages])
      expect(serverMessageSchema.safeParse(message).error).toBeUndefined();
    for (const socket of [board, other, inbox]) socket.ws.close();
  });
});
