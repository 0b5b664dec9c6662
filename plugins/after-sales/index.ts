// The after-sales plugin (售后, issue 15): after-sales cases, price requests and shipments, the store
// manager's approval beyond policy, the seed documents' escalations as defaults, and the KPIs customer
// service is measured by. See README.md.
import { definePlugin } from '#plugin-api';
import { name } from './bilingual.ts';
import { caseType } from './case-type.ts';
import { demo } from './demo.ts';
import { escalations } from './escalations.ts';
import { metrics } from './metrics.ts';
import { priceRequestType } from './price-request-type.ts';
import { shipmentType } from './shipment-type.ts';

export default definePlugin({
  id: 'after-sales',
  name: name('售后', 'After-sales'),
  version: '0.1.0',
  core: '^0.1',
  permissions: [
    // Grants money beyond what policy lets an agent give: power over the store's money and others' cases.
    {
      id: 'after-sales.approve',
      name: name('审批超出规定的索赔和折扣', 'Approve claims and discounts beyond policy'),
      powerful: true,
    },
  ],
  taskTypes: [caseType, priceRequestType, shipmentType],
  escalations,
  metrics,
  demo,
});
