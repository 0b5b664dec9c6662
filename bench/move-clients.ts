// The `moves` benchmark's people: a process of its own, as browsers would be, so the load they make
// does not run on the server's event loop. It is told the server's address, a session cookie and each
// client's cards once, then runs a round of moves (in_progress ↔ done through the HTTP API) each time
// it is asked, and answers with the round's phase.
import { createHttpClient } from './http-client.ts';
import { phase, type Timing } from './phase.ts';

export interface MoveClientsSetup {
  url: string;
  cookie: string;
  /** Each client's own cards. */
  owned: { id: number; version: number; status: string }[][];
}
export type MoveClientsMessage = { setup: MoveClientsSetup } | { round: Timing } | { done: true };

let setup: MoveClientsSetup | undefined;
let client: ReturnType<typeof createHttpClient> | undefined;

async function round(timing: Timing) {
  const { owned, cookie } = setup!;
  const turn = new Array<number>(owned.length).fill(0);
  return phase(owned.length, timing, async (worker) => {
    const cards = owned[worker]!;
    const card = cards[turn[worker]!++ % cards.length]!;
    const to = card.status === 'in_progress' ? 'done' : 'in_progress';
    try {
      const response = await client!.request(
        'PATCH',
        `/api/tasks/${card.id}/transition`,
        { to, expectedVersion: card.version },
        cookie,
      );
      if (response.status === 200) {
        const { task } = response.json<{ task: typeof card }>();
        Object.assign(card, { version: task.version, status: task.status });
        return true;
      }
    } catch {
      // A network failure counts like any other non-200 answer.
    }
    // Re-read the card so the next move of it sends its real version.
    const fresh = (await client!.request('GET', `/api/tasks/${card.id}`, undefined, cookie)).json<typeof card>();
    Object.assign(card, { version: fresh.version, status: fresh.status });
    return false;
  });
}

process.on('message', async (message: MoveClientsMessage) => {
  if ('setup' in message) {
    setup = message.setup;
    client = createHttpClient(setup.url, setup.owned.length);
    process.send!('ready');
  } else if ('round' in message) {
    process.send!(await round(message.round));
  } else {
    client?.close();
    process.exit(0);
  }
});
