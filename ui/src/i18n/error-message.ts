// Says a server refusal in the person's language: the error code's message, and for a refused move its
// reason with the rule, field or limit named by its display name (never an internal id).
import { ApiError } from '../data/api.ts';
import { formatList } from './format.ts';
import { hasMessage, nameOf, t, type DisplayName, type MessageKey } from './i18n.ts';

export interface NameLookup {
  /** A workflow state's name. */
  state?(id: string): string;
  /** A board column's name, from "<board>/<column>". */
  column?(ref: string): string;
}

export function permissionLabel(permission: unknown): string {
  const key = `permission.${String(permission)}`;
  return hasMessage(key) ? t(key) : String(permission);
}

/** A field's validation message from the server, said in the person's language. */
export function issueMessage(message: string): string {
  if (/received undefined|required|>=1 characters?/i.test(message)) return t('field.required');
  if (/too big|too long|at most/i.test(message)) return t('field.tooLong');
  return t('field.invalid', { message });
}

function reasonText(
  reason: string,
  details: Record<string, unknown>,
  names: NameLookup,
  message: string,
): string | null {
  const state = (id: unknown) => names.state?.(String(id)) ?? String(id);
  switch (reason) {
    case 'no_transition': {
      const allowed =
        Array.isArray(details.allowed) && details.allowed.length
          ? t('reason.no_transition.allowed', { states: formatList(details.allowed.map(state)) })
          : '';
      return t('reason.no_transition', { from: state(details.from), to: state(details.to), allowed });
    }
    case 'permission':
      return t('reason.permission', { permission: permissionLabel(details.permission) });
    case 'guard':
      return t('reason.guard', { message });
    case 'missing_fields': {
      const fields = (
        Array.isArray(details.names) ? details.names : Array.isArray(details.fields) ? details.fields : []
      ) as DisplayName[];
      return t('reason.missing_fields', {
        fields: formatList(fields.map((name) => t('reason.fieldName', { name: nameOf(name) }))),
      });
    }
    case 'wip_limit':
      return t('reason.wip_limit', {
        column: names.column?.(String(details.column)) ?? String(details.column).split('/').pop()!,
        count: Number(details.count),
        limit: Number(details.limit),
      });
    default: {
      const key = `reason.${reason}`;
      return hasMessage(key) ? t(key, stringParams(details)) : null;
    }
  }
}

const stringParams = (details: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(details).filter(([, v]) => typeof v === 'string' || typeof v === 'number'),
  ) as Record<string, string | number>;

export function errorMessage(error: unknown, names: NameLookup = {}): string {
  if (!(error instanceof ApiError)) return t('error.NETWORK');
  const { code, details } = error;
  if (typeof details.reason === 'string') {
    const text = reasonText(details.reason, details, names, error.message);
    if (text) return text;
  }
  switch (code) {
    case 'FORBIDDEN':
      return t('error.FORBIDDEN', { permission: permissionLabel(details.permission ?? '') });
    case 'VALIDATION_FAILED': {
      const issues = Array.isArray(details.issues) ? (details.issues as { path: string; message: string }[]) : [];
      return t('error.VALIDATION_FAILED', {
        fields: issues
          .map((issue) => `${issue.path.replace(/^fields\./, '')}: ${issueMessage(issue.message)}`)
          .join('; '),
      });
    }
    case 'RATE_LIMITED':
      return t('error.RATE_LIMITED', { minutes: Math.max(1, Math.ceil(Number(details.retryAfterSeconds ?? 60) / 60)) });
    case 'UNPROCESSABLE':
    case 'BAD_REQUEST':
      return t(`error.${code}`, { message: error.message });
  }
  const key = `error.${code}`;
  return hasMessage(key) ? t(key as MessageKey, stringParams(details)) : t('error.INTERNAL');
}

/** A validation refusal's messages by field ("fields.sku" → "sku"; "title" stays "title"), in the person's language. */
export function fieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError) || !Array.isArray(error.details.issues)) return {};
  const errors: Record<string, string> = {};
  for (const issue of error.details.issues as { path: string; message: string }[])
    errors[issue.path.replace(/^fields\./, '')] ??= issueMessage(issue.message);
  return errors;
}
