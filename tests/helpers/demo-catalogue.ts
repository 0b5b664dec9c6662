// The catalogue the demo organisation is checked against without a running app: core's, with the
// department plugins the server loads by default (DEFAULT_PLUGINS in core/config.ts).
import { catalogueWith, type OrgCatalogue } from '../../core/org/catalogue.ts';
import { parseManifest } from '../../core/plugins/contract.ts';
import afterSales from '../../plugins/after-sales/index.ts';
import campaigns from '../../plugins/campaigns/index.ts';
import chatWebhooks from '../../plugins/chat-webhooks/index.ts';
import listing from '../../plugins/listing/index.ts';
import promotion from '../../plugins/promotion/index.ts';

export const demoCatalogue = (): OrgCatalogue =>
  catalogueWith([afterSales, listing, promotion, chatWebhooks, campaigns].map(parseManifest));
