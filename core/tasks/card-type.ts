// The task type of a stored card, for a change to it. A card whose type is not loaded now (its plugin
// was taken out of PLUGINS, or the roles file no longer defines it) stays readable everywhere; a change
// cannot be judged without its workflow and fields, so it is refused, saying why.
import { AppError } from '../errors.ts';
import type { TaskTypeDefinition } from '../org/format.schema.ts';
import type { OrgModel } from '../org/org-model.ts';

export function typeOfCard(model: OrgModel, card: { id: number; type: string }): TaskTypeDefinition {
  const type = model.taskType(card.type);
  if (type) return type;
  throw new AppError(
    'UNPROCESSABLE',
    `Card ${card.id} is of task type "${card.type}", which is not loaded now (its plugin was taken out of PLUGINS, or the roles file no longer defines it): it can be read, but not changed until that type is back.`,
    { reason: 'type_not_loaded', taskType: card.type },
  );
}
