// The published JSON Schema, the format documentation and the loader agree: what one accepts the
// others accept, and shape errors the loader reports the schema reports too.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { coreCatalogue } from '../core/org/catalogue.ts';
import { roleFileJsonSchema } from '../core/org/format.schema.ts';
import { loadOrg } from '../core/org/load-org.ts';
import { readRoleSources } from '../core/org/read-sources.ts';
import { validateFileSchema } from '../core/org/validate-schema.ts';
import { parseRolesYaml } from '../core/org/yaml-source.ts';

const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false });
const validate = ajv.compile(roleFileJsonSchema());

const exampleFiles = [
  ...readRoleSources('roles', 'roles').map((source) => path.join('roles', source.name)),
  'roles/examples/three-person-shop.yaml',
  'roles/examples/eight-person-team.yaml',
  'roles/examples/ecommerce-department.yaml',
];

/** Complete roles files shown in the documentation (code blocks that start a file with `version: 1`). */
const docExamples = [...readFileSync('docs/roles-format.md', 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)]
  .map((match) => match[1]!)
  .filter((text) => /^(#.*\n)*version: 1\n/.test(text) && /^organization:/m.test(text));

describe('the JSON Schema of the roles format', () => {
  it.each(exampleFiles)('accepts %s, as the loader does', (file) => {
    const valid = validate(parse(readFileSync(file, 'utf8')));
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('accepts the complete examples in docs/roles-format.md, and so does the loader', () => {
    expect(docExamples.length).toBeGreaterThanOrEqual(1);
    for (const text of docExamples) {
      expect(validate(parse(text)), JSON.stringify(validate.errors)).toBe(true);
      const loaded = loadOrg([{ name: 'doc.yaml', text }], coreCatalogue());
      expect(loaded.errors).toEqual([]);
    }
  });

  it('rejects every fixture whose shape the loader rejects', () => {
    const dir = 'tests/fixtures/roles-invalid';
    const shapeFixtures = readdirSync(dir)
      .map((name) => ({ name, text: readFileSync(path.join(dir, name), 'utf8') }))
      .filter(({ name, text }) => {
        const { parsed } = parseRolesYaml({ name, text });
        const shapeErrors = parsed ? validateFileSchema(parsed).errors : [];
        return shapeErrors.length > 0 && !shapeErrors.every((error) => CODE_ONLY_CHECKS.test(error.message));
      });
    expect(shapeFixtures.length).toBeGreaterThanOrEqual(10);
    expect(shapeFixtures.filter(({ text }) => validate(parse(text))).map(({ name }) => name)).toEqual([]);
  });
});

/**
 * Checks that run in code and that JSON Schema cannot carry: the time zone must exist, a KPI target
 * has exactly one comparison, a cron string's fields are in range, a duty's `on` fits its `every`.
 * The loader reports them; an editor using the schema does not.
 */
const CODE_ONLY_CHECKS =
  /expected an IANA time zone|expected exactly one of gte|5-field cron string|"on"|needs "every"/;
