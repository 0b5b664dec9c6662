// The refusals every task command shares: unknown card, stale version, archived card.
import { AppError } from '../errors.ts';
import type { TaskRow } from './task.repository.ts';
import { toTaskView } from './task-view.ts';

export function notFound(id: number): AppError {
  return new AppError('NOT_FOUND', `There is no card ${id}.`);
}

/** 409 with the card as it is now, so the client can show it and let the person redo the change. */
export function staleVersion(current: TaskRow, expected: number): AppError {
  return new AppError(
    'CONFLICT',
    `Card ${current.id} was changed by someone else (you had version ${expected}, it is now ${current.version}); nothing was overwritten.`,
    { current: toTaskView(current) },
  );
}

export function archived(current: TaskRow): AppError {
  return new AppError('CONFLICT', `Card ${current.id} is archived; restore it first.`, {
    current: toTaskView(current),
  });
}
