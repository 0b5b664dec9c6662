// `npm run roles -- validate [--json] <file|dir>` and `npm run roles -- diff <a> <b>`: for leads who
// keep their roles in git. validate prints `file:line:col kind message` and exits 1 on errors.
import { coreCatalogue } from './catalogue.ts';
import { diffOrgs, formatDiff } from './diff.ts';
import { loadOrg } from './load-org.ts';
import { formatOrgError } from './org-error.ts';
import { readRoleSources } from './read-sources.ts';

const USAGE = 'usage: roles validate [--json] <file|dir>\n       roles diff <file|dir> <file|dir>';

function load(target: string) {
  try {
    return loadOrg(readRoleSources(target), coreCatalogue());
  } catch (error) {
    process.stderr.write(`roles: cannot read ${target}: ${(error as Error).message}\n`);
    process.exit(2);
  }
}

const [command, ...rest] = process.argv.slice(2);
const json = rest.includes('--json');
const targets = rest.filter((arg) => arg !== '--json');

if (command === 'validate' && targets.length === 1) {
  const result = load(targets[0]!);
  if (json) process.stdout.write(`${JSON.stringify({ ok: result.ok, errors: result.errors }, null, 2)}\n`);
  else if (result.ok) {
    const { roles, departments } = result.definition;
    process.stdout.write(`${targets[0]}: valid (${departments.length} departments, ${roles.length} roles)\n`);
  } else process.stdout.write(`${result.errors.map(formatOrgError).join('\n')}\n${result.errors.length} error(s)\n`);
  process.exit(result.ok ? 0 : 1);
} else if (command === 'diff' && targets.length === 2) {
  const [before, after] = targets.map(load);
  for (const [target, result] of [[targets[0], before], [targets[1], after]] as const) {
    if (!result!.ok) {
      process.stdout.write(`${target} is not valid:\n${result!.errors.map(formatOrgError).join('\n')}\n`);
      process.exit(1);
    }
  }
  if (before!.ok && after!.ok) process.stdout.write(`${formatDiff(diffOrgs(before!.definition, after!.definition))}\n`);
} else {
  process.stderr.write(`${USAGE}\n`);
  process.exit(2);
}
