// Values from the merged files that remember where they were written, so later checks can point at them.
import type { OrgError, OrgErrorKind, PathSegment } from './org-error.ts';
import { formatPath } from './org-error.ts';
import { locate, type ParsedFile } from './yaml-source.ts';

export interface Located<T> {
  value: T;
  file: ParsedFile;
  path: PathSegment[];
}

export function errorAt(
  where: Pick<Located<unknown>, 'file' | 'path'>,
  sub: PathSegment[],
  kind: OrgErrorKind,
  message: string,
  suggestion?: string,
): OrgError {
  const path = [...where.path, ...sub];
  return {
    file: where.file.name,
    ...locate(where.file, path),
    path: formatPath(path),
    kind,
    message,
    ...(suggestion ? { suggestion } : {}),
  };
}
