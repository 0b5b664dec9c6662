// The plugins' UI the screens show: the configured plugins that loaded on the server (GET /api/plugins)
// and have a UI module in the generated registry, imported once per sign-in. Also what went wrong, for
// the notice: plugins that failed on the server, and UI modules or slot components that failed here.
import { createResource, createRoot, createSignal } from 'solid-js';
import { api, unwrap } from '../data/api.ts';
import { session } from '../data/session.ts';
import type { Bilingual, PluginUi, SlotName } from './api.ts';
import { pluginUiModules } from './registry.generated.js';
import { uiShapeProblem } from './ui-shape.ts';

export interface Contribution {
  plugin: string;
  name: Bilingual;
  ui: PluginUi;
  /** Whether its card slots and board toolbar are for cards of this task type. */
  concerns(type: string): boolean;
}

/** A failure worth telling the people who manage the organisation: on the server, or here. */
export interface PluginProblem {
  plugin: string;
  where: 'server' | 'module' | SlotName;
  message: string;
}

/** A loaded plugin's default escalation the active organisation cannot staff: never evaluated there. */
export interface InactiveEscalation {
  plugin: string;
  id: string;
  missing: { kind: 'role' | 'policy'; id: string }[];
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export const plugins = createRoot(() => {
  const [problems, setProblems] = createSignal<PluginProblem[]>([]);

  /** Records a failure once per plugin and place, and logs it for whoever opens the console. */
  function report(plugin: string, where: PluginProblem['where'], error: unknown): void {
    if (problems().some((problem) => problem.plugin === plugin && problem.where === where)) return;
    const message = messageOf(error);
    console.error(`plugin "${plugin}": ${where} failed: ${message}`);
    setProblems((list) => [...list, { plugin, where, message }]);
  }

  async function load(): Promise<{
    contributions: Contribution[];
    failed: PluginProblem[];
    inactive: InactiveEscalation[];
  }> {
    // If the list cannot be had, the screens show no plugin UI rather than no screen.
    const statuses = await unwrap(api.plugins.$get()).catch(() => []);
    const failed = statuses
      .filter((status) => status.status === 'failed')
      .map((status) => ({ plugin: status.id, where: 'server' as const, message: status.error ?? '' }));
    const loaded = await Promise.all(
      statuses.map(async (status): Promise<Contribution | null> => {
        const module = pluginUiModules[status.entry];
        if (status.status !== 'loaded' || !module) return null;
        try {
          const ui = (await module()).default;
          const problem = uiShapeProblem(ui);
          if (problem) throw new Error(problem);
          const types = ui.taskTypes;
          const concerns =
            types === 'all'
              ? () => true
              : types
                ? (type: string) => types.includes(type)
                : (type: string) => type.startsWith(`${status.id}.`);
          return { plugin: status.id, name: status.name ?? { 'zh-CN': status.id, en: status.id }, ui, concerns };
        } catch (error) {
          report(status.id, 'module', error);
          return null;
        }
      }),
    );
    const inactive = statuses.flatMap((status) =>
      status.escalations
        .filter((escalation) => escalation.missing.length > 0)
        .map((escalation) => ({ plugin: status.id, id: escalation.id, missing: escalation.missing })),
    );
    return { contributions: loaded.filter((contribution) => contribution !== null), failed, inactive };
  }

  const [state] = createResource(() => session.me()?.id ?? false, load);
  const contributions = () => state()?.contributions ?? [];
  return {
    /** Whether the list of loaded plugins has arrived (until then no slot is filled). */
    ready: () => state.state === 'ready',
    /** Those filling `slot`, for a card or board of these task types when given. */
    filling(slot: SlotName, types?: readonly string[]): Contribution[] {
      return contributions().filter(
        (contribution) =>
          contribution.ui[slot] !== undefined && (types === undefined || types.some(contribution.concerns)),
      );
    },
    /** Failed on the server (with the reason when the person may see it), then failed here. */
    problems: (): PluginProblem[] => [...(state()?.failed ?? []), ...problems()],
    /** Default escalations the organisation cannot staff (GET /api/plugins), for the people who edit the roles. */
    inactive: (): InactiveEscalation[] => state()?.inactive ?? [],
    report,
  };
});
