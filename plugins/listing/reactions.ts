// What follows a committed change: a product being launched gets its four-week timeline, a product on
// sale gets its recurring work, and one on sale without stock a delist card; a finished recurring
// card makes the next. Everything is keyed, so hearing a change twice makes nothing twice.
import type { CommittedChange, HookContext } from '#plugin-api';
import { openDelistCard } from './delist.ts';
import { launchStarted, startTimeline } from './launch.ts';
import { LISTED, PRODUCT } from './product.ts';
import { ROUTINES, routineOf, scheduleRoutine } from './routines.ts';

export async function react(change: CommittedChange, plugin: HookContext): Promise<void> {
  if (change.taskId === null) return;
  if (change.taskType === PRODUCT) {
    const product = await plugin.cards.get(change.taskId);
    if (!product || product.archived) return;
    if (launchStarted(product.status)) await startTimeline(product, plugin, plugin.now());
    if (product.status !== LISTED) return;
    for (const routine of ROUTINES) await scheduleRoutine(routine, product, plugin, plugin.now());
    if (!(Number(product.fields.stock) > 0)) await openDelistCard(product, plugin);
    return;
  }
  const routine = routineOf(change.taskType);
  if (!routine || change.type !== 'task.transitioned') return;
  const done = await plugin.cards.get(change.taskId);
  if (done?.category !== 'done') return;
  const product = await plugin.cards.get(Number(done.fields.product_id));
  if (product?.status === LISTED && !product.archived)
    await scheduleRoutine(routine, product, plugin, done.dueAt ? new Date(done.dueAt) : plugin.now());
}
