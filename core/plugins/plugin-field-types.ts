// Field types a plugin adds: a zod schema for the value and a name in both languages. Task types (the
// plugin's and the roles file's) use one as `<plugin id>.<type>`; every write checks values against it.
import { z } from 'zod';

export interface PluginFieldType {
  /** `<plugin id>.<name>`, as a field's `type` names it. */
  id: string;
  name: { 'zh-CN': string; en: string };
  /** What a value may be; its messages reach the person as core fields' do (`fields.<id>: …`). */
  schema: z.ZodType;
}

export const fieldTypeSchema = z.strictObject({
  id: z.string(),
  name: z.strictObject({ 'zh-CN': z.string().min(1), en: z.string().min(1) }),
  schema: z.custom<z.ZodType>((value) => value instanceof z.ZodType, 'expected a zod schema'),
});

/** The field types of the loaded plugins, by id. */
export type FieldTypeRegistry = ReadonlyMap<string, PluginFieldType>;
