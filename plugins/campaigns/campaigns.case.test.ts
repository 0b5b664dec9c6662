import { pluginContractCases } from '../../tests/helpers/plugin-contract-cases.ts';

pluginContractCases('./plugins/campaigns');
