// The `creates` benchmark's people: a process of their own, as browsers would be, so the load they make
// does not run on the server's event loop. Told the server's address and a session cookie once, it runs a
// round of card creates (POST /api/tasks, each client one after another) each time it is asked, and
// answers with the round's phase.
import { createHttpClient } from './http-client.ts';
import { phase, type Timing } from './phase.ts';

export interface CreateClientsSetup {
  url: string;
  cookie: string;
  clients: number;
}
export type CreateClientsMessage = { setup: CreateClientsSetup } | { round: Timing } | { done: true };

let setup: CreateClientsSetup | undefined;
let client: ReturnType<typeof createHttpClient> | undefined;
let made = 0;

async function round(timing: Timing) {
  const { clients, cookie } = setup!;
  return phase(clients, timing, async (worker) => {
    try {
      const response = await client!.request(
        'POST',
        '/api/tasks',
        { type: 'core.task', title: `上新 New listing ${worker}-${++made}` },
        cookie,
      );
      return response.status === 201;
    } catch {
      // A network failure counts like any other non-201 answer.
      return false;
    }
  });
}

process.on('message', async (message: CreateClientsMessage) => {
  if ('setup' in message) {
    setup = message.setup;
    client = createHttpClient(setup.url, setup.clients);
    process.send!('ready');
  } else if ('round' in message) {
    process.send!(await round(message.round));
  } else {
    client?.close();
    process.exit(0);
  }
});
