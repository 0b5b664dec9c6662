// The promotion UI (README.md): a plan's face shows its spend against its budget, its panel links to the
// import page, and the import page takes a channel report (pasted or chosen as a file) for a plan and
// lists the problems of a refused one by line and column, in the person's language.
import { definePluginUi, text, type Bilingual, type CardFaceProps, type CardPanelProps } from '#plugin-ui';
import { createSignal, For, Show } from 'solid-js';
import { MAX_CSV_CHARS } from './limits.ts';

const yuan = (amount: number) => `¥${amount.toLocaleString('zh-CN', { maximumFractionDigits: 2 })}`;
const numberOf = (value: unknown) => (typeof value === 'number' ? value : null);

function SpendFace(props: CardFaceProps) {
  const budget = () => (props.card.type === 'promotion.plan' ? numberOf(props.card.fields.budget) : null);
  const spend = () => numberOf(props.card.fields.spend) ?? 0;
  return (
    <Show when={budget() !== null}>
      <span class="chip" classList={{ 'chip-priority-urgent': spend() > budget()! }}>
        <span aria-hidden="true">
          {yuan(spend())}/{yuan(budget()!)}
        </span>
        <span class="visually-hidden">
          {text({
            'zh-CN': `花费 ${yuan(spend())},预算 ${yuan(budget()!)}${spend() > budget()! ? ',已超预算' : ''}`,
            en: `Spent ${yuan(spend())} of a ${yuan(budget()!)} budget${spend() > budget()! ? ', over budget' : ''}`,
          })}
        </span>
      </span>
    </Show>
  );
}

function ImportLink(props: CardPanelProps) {
  return (
    <p>
      <a href={`/plugins/promotion?plan=${props.card.id}`}>
        {text({ 'zh-CN': '导入渠道报表(CSV)', en: 'Import a channel report (CSV)' })}
      </a>
    </p>
  );
}

interface Problem {
  line: number;
  column?: string;
  message: Bilingual;
}
type Outcome =
  | { kind: 'imported'; days: number; totals: Record<string, number>; ignored: string[] }
  | { kind: 'refused'; message: string; problems: Problem[]; more: number };

const FIGURE_NAMES: Record<string, Bilingual> = {
  spend: { 'zh-CN': '花费', en: 'spend' },
  impressions: { 'zh-CN': '展现量', en: 'impressions' },
  clicks: { 'zh-CN': '点击量', en: 'clicks' },
  visitors: { 'zh-CN': '访客数', en: 'visitors' },
  orders: { 'zh-CN': '成交笔数', en: 'orders' },
  revenue: { 'zh-CN': '成交金额', en: 'revenue' },
};

const TOO_LARGE: Bilingual = {
  'zh-CN': `文件过大:最多 ${MAX_CSV_CHARS} 个字符,请按计划周期导出`,
  en: `The file is too large: at most ${MAX_CSV_CHARS} characters; export the plan's period only`,
};

function ImportPage() {
  const initialPlan = new URLSearchParams(window.location.search).get('plan') ?? '';
  const [plan, setPlan] = createSignal(initialPlan);
  const [csv, setCsv] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [outcome, setOutcome] = createSignal<Outcome>();
  const refused = (message: string, problems: Problem[] = [], more = 0) =>
    setOutcome({ kind: 'refused', message, problems, more });

  const choose = async (event: Event) => {
    const file = (event.currentTarget as HTMLInputElement).files?.[0];
    if (!file) return;
    // A character takes at most 4 bytes in UTF-8: a file larger than this certainly holds too many.
    if (file.size > MAX_CSV_CHARS * 4) return refused(text(TOO_LARGE));
    setCsv(await file.text());
  };

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    if (csv().length > MAX_CSV_CHARS) return refused(text(TOO_LARGE));
    setBusy(true);
    setOutcome(undefined);
    try {
      const response = await fetch('/api/plugins/promotion/import', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ planId: Number(plan()), csv: csv() }),
      });
      const body = await response.json().catch(() => null);
      if (response.ok)
        return setOutcome({ kind: 'imported', days: body.days, totals: body.totals, ignored: body.ignoredColumns });
      const error = body?.error ?? { message: response.statusText };
      const issues = (error.details?.issues ?? []) as { path: string; message: string }[];
      refused(
        [error.message, ...issues.map((issue) => `${issue.path}: ${issue.message}`)].join(' '),
        error.details?.problems ?? [],
        error.details?.more ?? 0,
      );
    } catch {
      refused(text({ 'zh-CN': '网络错误,请重试', en: 'Network error; try again' }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="stack" data-testid="promotion-import">
      <p class="hint">
        {text({
          'zh-CN':
            '每行一天。必需列:日期、花费;可选列:展现、点击、访客、成交笔数、成交金额。有任何一行出错时,不会导入任何数据。',
          en: 'One row a day. Required columns: date, spend; optional: impressions, clicks, visitors, orders, revenue. If any row has a problem, nothing is imported.',
        })}
      </p>
      <form class="stack" onSubmit={submit}>
        <label class="field">
          <span>{text({ 'zh-CN': '推广计划卡片编号', en: 'Promotion plan card no.' })}</span>
          <input
            type="number"
            min="1"
            required
            value={plan()}
            onInput={(event) => setPlan(event.currentTarget.value)}
            data-testid="import-plan"
          />
        </label>
        <label class="field">
          <span>{text({ 'zh-CN': '选择 CSV 文件', en: 'Choose a CSV file' })}</span>
          <input type="file" accept=".csv,text/csv" onChange={choose} data-testid="import-file" />
        </label>
        <label class="field">
          <span>{text({ 'zh-CN': '或粘贴报表内容', en: 'Or paste the report' })}</span>
          <textarea
            rows="10"
            required
            value={csv()}
            onInput={(event) => setCsv(event.currentTarget.value)}
            data-testid="import-csv"
          />
        </label>
        <div class="actions">
          <button type="submit" class="button-primary" disabled={busy()}>
            {text({ 'zh-CN': '导入', en: 'Import' })}
          </button>
        </div>
      </form>
      <div role="status" aria-live="polite" data-testid="import-outcome">
        <Show when={outcome()}>
          {(result) => {
            const done = result();
            return done.kind === 'imported' ? (
              <p>
                {text({ 'zh-CN': `已导入 ${done.days} 天的数据:`, en: `Imported ${done.days} days:` })}{' '}
                {Object.entries(done.totals)
                  .map(([key, value]) => `${text(FIGURE_NAMES[key]!)} ${value.toLocaleString()}`)
                  .join(', ')}
                <Show when={done.ignored.length}>
                  {' '}
                  {text({ 'zh-CN': '未使用的列:', en: 'Columns not used: ' })}
                  {done.ignored.join(', ')}
                </Show>
              </p>
            ) : (
              <div class="stack">
                <p class="form-error">{done.message}</p>
                <Show when={done.problems.length}>
                  <table class="import-problems">
                    <caption>{text({ 'zh-CN': '逐行问题', en: 'Problems by line' })}</caption>
                    <thead>
                      <tr>
                        <th scope="col">{text({ 'zh-CN': '行', en: 'Line' })}</th>
                        <th scope="col">{text({ 'zh-CN': '列', en: 'Column' })}</th>
                        <th scope="col">{text({ 'zh-CN': '问题', en: 'Problem' })}</th>
                      </tr>
                    </thead>
                    <tbody>
                      <For each={done.problems}>
                        {(problem) => (
                          <tr>
                            <td>{problem.line}</td>
                            <td>{problem.column ?? '–'}</td>
                            <td>{text(problem.message)}</td>
                          </tr>
                        )}
                      </For>
                    </tbody>
                  </table>
                  <Show when={done.more}>
                    <p class="hint">
                      {text({ 'zh-CN': `另有 ${done.more} 处问题未列出`, en: `${done.more} more problems not listed` })}
                    </p>
                  </Show>
                </Show>
              </div>
            );
          }}
        </Show>
      </div>
    </div>
  );
}

export default definePluginUi({
  cardFace: SpendFace,
  cardPanel: ImportLink,
  navigation: { label: { 'zh-CN': '推广数据导入', en: 'Promotion import' }, page: ImportPage },
});
