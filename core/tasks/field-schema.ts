// The zod schema of a task type's custom fields, from its field definitions: every write is checked
// against it, and an error names the field.
import { z } from 'zod';
import { isoDate, isoDateTime } from '../input.schemas.ts';
import type { FieldDefinition, TaskTypeDefinition } from '../org/format.schema.ts';
import type { FieldTypeRegistry } from '../plugins/plugin-field-types.ts';
import { checklistSchema } from './checklist.ts';

const bounded = (schema: z.ZodNumber, field: FieldDefinition) => {
  let result = schema;
  if (field.min !== undefined) result = result.min(field.min);
  if (field.max !== undefined) result = result.max(field.max);
  return result;
};

const NO_PLUGIN_TYPES: FieldTypeRegistry = new Map();

/** What a value of the field may be (without null: clearing is decided by `required`); `plugins`: their field types. */
export function fieldValueSchema(field: FieldDefinition, plugins: FieldTypeRegistry = NO_PLUGIN_TYPES): z.ZodType {
  switch (field.type) {
    case 'text':
      return z.string().max(field.max_length ?? 500);
    case 'long_text':
      return z.string().max(field.max_length ?? 20_000);
    case 'number':
      return bounded(z.number(), field);
    case 'money':
      // An amount in the field's currency, to the cent.
      return bounded(z.number(), field).refine(
        (n) => Math.abs(n * 100 - Math.round(n * 100)) < 1e-6,
        `expected an amount in ${field.currency ?? 'the currency'} with at most 2 decimals`,
      );
    case 'percent':
      return bounded(z.number(), field);
    case 'date':
      return isoDate();
    case 'datetime':
      return isoDateTime();
    case 'enum':
      return z.enum(field.options as [string, ...string[]]);
    case 'multi_enum':
      return z
        .array(z.enum(field.options as [string, ...string[]]))
        .refine((items) => new Set(items).size === items.length, 'each option at most once');
    case 'person':
      return z.uuid('expected a person id');
    case 'role':
      return z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected a role id');
    case 'url':
      return z.url({ protocol: /^https?$/ }).max(field.max_length ?? 2000);
    case 'checklist':
      return checklistSchema;
    case 'boolean':
      return z.boolean();
    default:
      // A plugin's type; when its plugin is gone, no value can be written (reads still show the stored one).
      return (
        plugins.get(field.type)?.schema ??
        z.never({ error: `field type "${field.type}" is not loaded (plugin "${field.type.split('.')[0]}")` })
      );
  }
}

/** Fields as stored: known keys only; null clears a field; required ones must have a value. */
export function fieldsSchema(
  type: TaskTypeDefinition,
  plugins: FieldTypeRegistry = NO_PLUGIN_TYPES,
): z.ZodType<Record<string, unknown>> {
  const shape = Object.fromEntries(
    type.fields.map((field) => {
      const value = fieldValueSchema(field, plugins);
      return [field.id, field.required ? value : value.nullable().optional()];
    }),
  );
  return z
    .strictObject(shape)
    .transform((fields) => Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null && v !== undefined)));
}

const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Card fields as a client sends them. Names that reach into an object's prototype are refused by name:
 * `__proto__` would otherwise vanish while parsing (a record never copies it) and the write succeed
 * without it.
 */
export const fieldsInput = z.preprocess(
  (value, ctx) => {
    if (value !== null && typeof value === 'object') {
      for (const key of Object.keys(value)) {
        if (RESERVED_KEYS.has(key))
          ctx.addIssue({ code: 'custom', path: [key], message: `"${key}" cannot be a field name`, input: value });
      }
    }
    return value;
  },
  z.record(z.string(), z.unknown()),
);

/** Defaults of fields the writer left out. */
export function withDefaults(type: TaskTypeDefinition, fields: Record<string, unknown>): Record<string, unknown> {
  const defaults = Object.fromEntries(type.fields.filter((f) => f.default !== undefined).map((f) => [f.id, f.default]));
  return { ...defaults, ...fields };
}
