// What follows an activation, on every process: the active version is read again, every task type
// gets its board, cached board lookups are dropped, and the schedulers run at once. The activating
// process does this before answering; the others when the `org.activated` event reaches them.
import type { BoardRepository } from '../board/board.repository.ts';
import type { BoardService } from '../board/board.service.ts';
import type { EventBus } from '../events/event-bus.ts';
import { ORG_ACTIVATED } from '../events/event-log.ts';
import type { Logger } from '../logger.ts';
import type { OrgService } from './org.service.ts';

export function createActivationReactions(deps: {
  org: OrgService;
  boards: BoardService;
  boardRepository: BoardRepository;
  events: EventBus;
  log: Logger;
}) {
  const reactions = new Set<() => void>();

  async function apply(): Promise<void> {
    deps.boardRepository.forget();
    try {
      const created = await deps.boards.ensureTemplates();
      if (created.length)
        deps.log.info({ taskTypes: created }, 'boards made for the task types of the new organisation version');
    } catch (error) {
      deps.log.error({ err: error }, 'boards for the new organisation version could not be made');
    }
    for (const react of reactions) {
      try {
        react();
      } catch (error) {
        deps.log.error({ err: error }, 'a reaction to the new organisation version failed');
      }
    }
  }

  deps.org.onActivated(apply);
  // Another process activated (this process's own activation arrives here too; applying twice is harmless).
  deps.events.subscribe((events) => {
    if (!events.some((event) => event.type === ORG_ACTIVATED)) return;
    deps.org.forget();
    void apply();
  });

  return {
    onActivated: (react: () => void) => void reactions.add(react),
  };
}
