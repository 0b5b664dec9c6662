// Demo cards for a new demo database: when the roles file's demo members were just created (an empty
// database on a local server), each plugin's `demo` makes its board's first cards, acting as those
// members through the same task service the card routes use — their permissions, guards and hooks apply.
import type { Access } from '../auth/access.ts';
import { actorIn } from '../auth/auth.service.ts';
import type { UsersRepository } from '../auth/users.repository.ts';
import type { Logger } from '../logger.ts';
import type { OrgService } from '../org/org.service.ts';
import type { TaskService } from '../tasks/task.service.ts';
import type { ParsedPlugin } from './contract.ts';
import { pluginCards } from './plugin-cards.ts';

export async function seedPluginDemos(deps: {
  plugins: readonly ParsedPlugin[];
  tasks: TaskService;
  access: Access;
  users: UsersRepository;
  org: OrgService;
  now: () => Date;
  log: Logger;
}): Promise<void> {
  const model = await deps.org.active();
  const people = new Map(
    (await deps.users.list())
      .filter((person) => !person.disabled)
      .map((person) => [person.email.toLowerCase(), person]),
  );
  const as = (email: string) => {
    const person = people.get(email.toLowerCase());
    return person && pluginCards(deps.tasks, deps.access, actorIn(model, person));
  };
  for (const plugin of deps.plugins) {
    if (!plugin.demo) continue;
    try {
      await plugin.demo({ as, now: deps.now });
      deps.log.info({ plugin: plugin.id }, 'demo cards made');
    } catch (error) {
      deps.log.error(
        { plugin: plugin.id, err: error },
        'plugin demo cards could not be made; the server runs without them',
      );
    }
  }
}
