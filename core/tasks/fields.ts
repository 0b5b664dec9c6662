// Validates a write to a card's custom fields: the patch merged over what is stored (null clears a
// field), defaults filled in, then the whole checked, so required fields hold on every write.
import { AppError } from '../errors.ts';
import { toFieldIssues } from '../input.schemas.ts';
import type { TaskTypeDefinition } from '../org/format.schema.ts';
import type { FieldTypeRegistry } from '../plugins/plugin-field-types.ts';
import { fieldsSchema, withDefaults } from './field-schema.ts';

/** `plugins`: the loaded plugins' field types, for fields whose type is `<plugin id>.<name>`. */
export function validateFields(
  type: TaskTypeDefinition,
  patch: Record<string, unknown>,
  stored: Record<string, unknown>,
  plugins?: FieldTypeRegistry,
): Record<string, unknown> {
  const merged = withDefaults(type, { ...stored, ...patch });
  const parsed = fieldsSchema(type, plugins).safeParse(merged);
  if (parsed.success) return parsed.data;
  const issues = toFieldIssues(parsed.error).map((issue) => ({
    ...issue,
    path: issue.path === '(root)' ? 'fields' : `fields.${issue.path}`,
  }));
  const unknownKeys = parsed.error.issues.flatMap((issue) => (issue.code === 'unrecognized_keys' ? issue.keys : []));
  const summary = issues
    .map((issue) =>
      issue.message.startsWith('Unrecognized')
        ? `unknown field(s) ${unknownKeys.join(', ')} for ${type.id}`
        : `${issue.path}: ${issue.message}`,
    )
    .join('; ');
  throw new AppError('VALIDATION_FAILED', `Invalid fields: ${summary}`, { issues });
}
