// Reads a roles file, or the YAML files directly inside a folder (not its subfolders: roles/examples/
// holds other organisations), as named sources for the loader.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { SourceFile } from './yaml-source.ts';

/** Names are relative to `nameBase`: the working directory for people, the folder itself for stored versions. */
export function readRoleSources(target: string, nameBase = process.cwd()): SourceFile[] {
  const files = statSync(target).isDirectory()
    ? readdirSync(target)
        .filter((name) => /\.ya?ml$/.test(name))
        .sort()
        .map((name) => path.join(target, name))
    : [target];
  return files.map((file) => ({
    name: path.relative(nameBase, file) || path.basename(file),
    text: readFileSync(file, 'utf8'),
  }));
}
