// Schema validation of request input (JSON body, query, path params) with zod; failures name each field.
import type { ValidationTargets } from 'hono';
import { validator } from 'hono/validator';
import type { z } from 'zod';
import { AppError } from '../errors.ts';
import { inputProblemAt, toFieldIssues } from '../input.schemas.ts';

/** Marks a validator with what it checks, so the OpenAPI document can be built from the route table. */
export const INPUT = Symbol('input');
export interface InputDeclaration {
  target: keyof ValidationTargets;
  schema: z.ZodType;
}

export function inputOf(handler: unknown): InputDeclaration | undefined {
  return typeof handler === 'function' && INPUT in handler
    ? (handler as unknown as { [INPUT]: InputDeclaration })[INPUT]
    : undefined;
}

function validate<Target extends keyof ValidationTargets, Schema extends z.ZodType>(target: Target, schema: Schema) {
  const middleware = validator(target, (value, c): z.output<Schema> => {
    if (target === 'json' && !/^application\/([\w.-]+\+)?json\b/i.test(c.req.header('Content-Type') ?? '')) {
      throw new AppError('BAD_REQUEST', 'Send the request body as JSON with Content-Type: application/json.');
    }
    // Every string of every input, free-form fields included, must be storable text, at a sane depth.
    const problem = inputProblemAt(value);
    const parsed = problem ? undefined : schema.safeParse(value);
    if (!parsed?.success) {
      const issues = parsed
        ? toFieldIssues(parsed.error)
        : [{ path: problem!.path.join('.') || '(root)', message: problem!.message }];
      const summary = issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
      throw new AppError('VALIDATION_FAILED', `Invalid ${target === 'json' ? 'body' : target}: ${summary}`, { issues });
    }
    return parsed.data;
  });
  return Object.assign(middleware, { [INPUT]: { target, schema } });
}

export const jsonBody = <Schema extends z.ZodType>(schema: Schema) => validate('json', schema);
export const queryParams = <Schema extends z.ZodType>(schema: Schema) => validate('query', schema);
export const pathParams = <Schema extends z.ZodType>(schema: Schema) => validate('param', schema);
