// The listing department (上架 / 商品上新) as a plugin: product cards checked before they go on sale,
// delist cards when stock runs out, the four-week launch timeline, recurring title and listing-time
// work per product, and the 3-5 hero-product rule (docs/plugins/listing.md).
import { definePlugin } from '#plugin-api';
import { delistType, outOfStockWhileListed } from './delist.ts';
import { demo } from './demo.ts';
import { checkGoLive } from './go-live.ts';
import { heroProducts } from './heroes.ts';
import { launchStepType } from './launch.ts';
import { name } from './names.ts';
import { productType } from './product.ts';
import { react } from './reactions.ts';
import { routineTypes } from './routines.ts';
import { titleBytesOperation } from './title-bytes.ts';

export default definePlugin({
  id: 'listing',
  name: name('上架', 'Listing'),
  version: '0.1.0',
  core: '^0.1',
  taskTypes: [productType, delistType, launchStepType, ...routineTypes],
  operations: [{ name: 'title_bytes', fn: titleBytesOperation }],
  escalations: [outOfStockWhileListed],
  metrics: { 'listing.hero_products': heroProducts },
  hooks: { beforeTransition: checkGoLive, afterCommit: react },
  demo,
});
