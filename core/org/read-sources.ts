// Reads a roles file, or the YAML files directly inside a folder (not its subfolders: roles/examples/
// holds other organisations), as named sources for the loader.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { SourceFile } from './yaml-source.ts';

export function readRoleSources(target: string): SourceFile[] {
  const files = statSync(target).isDirectory()
    ? readdirSync(target)
        .filter((name) => /\.ya?ml$/.test(name))
        .sort()
        .map((name) => path.join(target, name))
    : [target];
  return files.map((file) => ({ name: path.relative(process.cwd(), file) || file, text: readFileSync(file, 'utf8') }));
}
