// A problem found in a roles file, as data: where it is, what kind, what was expected, and a hint.
export const ORG_ERROR_KINDS = [
  'yaml_syntax',
  'schema',
  'unknown_key',
  'unresolved_ref',
  'cycle',
  'duplicate_id',
  'rule',
  'rule_test_failed',
] as const;

export type OrgErrorKind = (typeof ORG_ERROR_KINDS)[number];

export interface OrgError {
  file: string;
  line: number;
  column: number;
  /** The offending key path, e.g. roles[3].escalations[0].when */
  path: string;
  kind: OrgErrorKind;
  message: string;
  suggestion?: string;
}

export type PathSegment = string | number;

export function formatPath(path: readonly PathSegment[]): string {
  return path.reduce<string>(
    (text, segment) => (typeof segment === 'number' ? `${text}[${segment}]` : text ? `${text}.${segment}` : segment),
    '',
  );
}

/** `file:line:col kind message (did you mean …?)`: the line the CLI and the logs print. */
export function formatOrgError(error: OrgError): string {
  const hint = error.suggestion ? ` (did you mean "${error.suggestion}"?)` : '';
  return `${error.file}:${error.line}:${error.column} ${error.kind} ${error.path ? `${error.path}: ` : ''}${error.message}${hint}`;
}
