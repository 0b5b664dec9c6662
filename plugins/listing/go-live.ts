// What must hold before a product goes on sale (上架): a price, stock, a title the platform accepts and
// approved copy (seed 003: "编辑好各个产品的标题,宝贝描述后,核实价格及库存信息后,全部上架"), and no
// sixth hero product (seed 003: "首先确定3-5款主打产品"). The first that fails is the refusal's reason.
import type { HookContext, TransitionContext, Veto } from '#plugin-api';
import { HERO_MAX } from './heroes.ts';
import { both, name, type Bilingual } from './names.ts';
import { LISTED, PRODUCT } from './product.ts';
import { TITLE_LIMIT_BYTES, titleBytes } from './title-bytes.ts';

type Fields = Record<string, unknown>;

export const refusals = {
  price: name('售价必须大于 0 才能上架', 'The price must be above 0 to go live'),
  stock: name('库存为 0,不能上架', 'There is no stock; it cannot go live'),
  title: (bytes: number) =>
    name(
      `宝贝标题 ${bytes} 字节,超过平台上限 ${TITLE_LIMIT_BYTES} 字节(30 个汉字,汉字按 2 字节计)`,
      `The platform title is ${bytes} bytes, over the platform's ${TITLE_LIMIT_BYTES}-byte limit (30 Chinese characters; each counts 2)`,
    ),
  copy: name('文案尚未审核通过,不能上架', 'The copy is not approved yet; it cannot go live'),
  heroes: name(
    `在售主打款已有 ${HERO_MAX} 款,先取消一款的主打标记`,
    `${HERO_MAX} hero products are already on sale; unmark one first`,
  ),
};

/** The first of the product's own checks that fails, or undefined. */
export function productRefusal(fields: Fields): Bilingual | undefined {
  const price = Number(fields.price);
  if (!(price > 0)) return refusals.price;
  if (!(Number(fields.stock) > 0)) return refusals.stock;
  const bytes = titleBytes(typeof fields.platform_title === 'string' ? fields.platform_title : '');
  if (bytes === 0 || bytes > TITLE_LIMIT_BYTES) return refusals.title(bytes);
  if (fields.copy_approved !== true) return refusals.copy;
  return undefined;
}

/** The beforeTransition hook: checks a product moving to "listed". */
export async function checkGoLive({ task, to }: TransitionContext, plugin: HookContext): Promise<Veto | undefined> {
  if (task.type !== PRODUCT || to !== LISTED) return undefined;
  const refusal = productRefusal(task.fields);
  if (refusal) return { veto: both(refusal) };
  if (task.fields.hero !== true) return undefined;
  const heroes = await plugin.cards.find({
    type: PRODUCT,
    statuses: [LISTED],
    fields: { hero: true },
    limit: HERO_MAX + 1,
  });
  return heroes.filter((card) => card.id !== task.id).length >= HERO_MAX ? { veto: both(refusals.heroes) } : undefined;
}
