// The chat-webhooks plugin runs the contract suite every plugin runs.
import { pluginContractCases } from '../../tests/helpers/plugin-contract-cases.ts';

pluginContractCases('./plugins/chat-webhooks');
