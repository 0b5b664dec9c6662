// What hangs off a card without changing it: links (to cards and pages) and comments. Each is in the
// card's activity log and announced live, but does not bump the card's version.
import type { Access } from '../auth/access.ts';
import type { Actor } from '../auth/actor.ts';
import { AppError } from '../errors.ts';
import type { createLinksRepository, LinkKind } from './links.repository.ts';
import { notFound } from './task-errors.ts';
import type { TaskRepository } from './task.repository.ts';
import type { TaskWriter } from './task-writer.ts';
import type { TaskTypeDefinition } from '../org/format.schema.ts';
import { refuseIfReadOnly } from '../workflow/edit-rules.ts';
import { holdPersonCap, PERSON_CAPS, type PersonCaps } from './person-caps.ts';

export function createCardExtras({
  repo,
  links,
  write,
  typeOf,
  access,
  caps = PERSON_CAPS,
  now = () => new Date(),
}: {
  repo: TaskRepository;
  links: ReturnType<typeof createLinksRepository>;
  write: TaskWriter;
  typeOf: (card: { id: number; type: string }) => Promise<TaskTypeDefinition>;
  access: Access;
  caps?: PersonCaps;
  now?: () => Date;
}) {
  /** The card, if the actor may edit it and its state is not read-only (links are part of the card; comments are not). */
  async function changeable(actor: Actor, id: number, doing: string) {
    const row = await repo.find(id);
    if (!row) throw notFound(id);
    (await access.on(actor, row)).require('tasks.edit', doing);
    refuseIfReadOnly(await typeOf(row), row);
    return row;
  }

  return {
    async link(actor: Actor, id: number, input: { kind: LinkKind; toTaskId?: number; url?: string; title?: string }) {
      const row = await changeable(actor, id, 'link');
      if (
        (input.kind === 'url') !== (input.url !== undefined) ||
        (input.kind !== 'url' && input.toTaskId === undefined)
      ) {
        throw new AppError('VALIDATION_FAILED', 'A "url" link needs url; a link of another kind needs toTaskId.', {
          issues: [{ path: input.kind === 'url' ? 'url' : 'toTaskId', message: 'required for this kind' }],
        });
      }
      if (input.toTaskId !== undefined && (input.toTaskId === id || !(await repo.find(input.toTaskId)))) {
        throw new AppError('VALIDATION_FAILED', `Card ${input.toTaskId} cannot be linked here.`, {
          issues: [{ path: 'toTaskId', message: 'no such other card' }],
        });
      }
      return write(async (tx, record) => {
        await holdPersonCap(tx, { kind: 'links', userId: actor.id, limit: caps.linksPerDay, now: now() });
        const link = await links.insert(tx, {
          task_id: id,
          kind: input.kind,
          target_task_id: input.toTaskId ?? null,
          url: input.url ?? null,
          title: input.title ?? null,
          created_by: actor.id,
        });
        await record(row, 'task.linked', actor, 'linked', {
          link: [null, { kind: link.kind, to: link.target_task_id ?? link.url }],
        });
        return { id: link.id, kind: link.kind, toTaskId: link.target_task_id, url: link.url, title: link.title };
      });
    },

    async unlink(actor: Actor, id: number, linkId: number) {
      const row = await changeable(actor, id, 'unlink');
      await write(async (tx, record) => {
        const removed = await links.remove(tx, id, linkId);
        if (!removed) throw new AppError('NOT_FOUND', `Card ${id} has no link ${linkId}.`);
        await record(row, 'task.linked', actor, 'unlinked', {
          link: [{ kind: removed.kind, to: removed.target_task_id ?? removed.url }, null],
        });
      });
    },

    links: (id: number) => links.of(id),

    async comment(actor: Actor, id: number, body: string) {
      const row = await repo.find(id);
      if (!row) throw notFound(id);
      return write(async (tx, record) => {
        await holdPersonCap(tx, { kind: 'comments', userId: actor.id, limit: caps.commentsPerDay, now: now() });
        const comment = await repo.addComment(tx, id, actor.id, body);
        await record(row, 'task.commented', actor, 'commented', {}, body.slice(0, 200));
        return { id: comment.id, body: comment.body, authorId: actor.id, createdAt: comment.created_at.toISOString() };
      });
    },
  };
}
