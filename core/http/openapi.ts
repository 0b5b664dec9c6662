// The OpenAPI document of the API, built from the route table itself: paths and methods, who may
// call each route (from its guard), and the input schemas (from its validators). Nothing is listed
// by hand, so it cannot drift from the routes.
import type { Hono } from 'hono';
import { z } from 'zod';
import { ERROR_CODES } from '../errors.ts';
import type { AppEnv } from './env.ts';
import { accessOf, PUBLIC, SIGNED_IN } from './guard.ts';
import { outputOf } from './output.ts';
import { inputOf, type InputDeclaration } from './validate.ts';

type Operation = Record<string, unknown>;

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', enum: Object.keys(ERROR_CODES) },
        message: { type: 'string' },
        details: {},
      },
    },
  },
};

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output' = 'input') => {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};

function parameters(inputs: InputDeclaration[], path: string) {
  const list: Record<string, unknown>[] = [];
  for (const input of inputs.filter((i) => i.target === 'param' || i.target === 'query')) {
    const schema = jsonSchema(input.schema) as { properties?: Record<string, unknown>; required?: string[] };
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      list.push({
        name,
        in: input.target === 'param' ? 'path' : 'query',
        required: input.target === 'param' || Boolean(schema.required?.includes(name)),
        schema: property,
      });
    }
  }
  for (const name of path.match(/(?<=\{)\w+(?=\})/g) ?? []) {
    if (!list.some((p) => p.name === name)) list.push({ name, in: 'path', required: true, schema: { type: 'string' } });
  }
  return list;
}

export function openApiDocument(app: Hono<AppEnv>): Record<string, unknown> {
  const operations = new Map<string, { method: string; path: string; handlers: unknown[] }>();
  for (const route of app.routes) {
    if (route.method === 'ALL' || !route.path.startsWith('/api/')) continue;
    const key = `${route.method} ${route.path}`;
    const entry = operations.get(key) ?? {
      method: route.method.toLowerCase(),
      path: route.path.replace(/:(\w+)/g, '{$1}'),
      handlers: [],
    };
    entry.handlers.push(route.handler);
    operations.set(key, entry);
  }
  const paths: Record<string, Record<string, Operation>> = {};
  for (const { method, path, handlers } of operations.values()) {
    const access = handlers.map(accessOf).find(Boolean);
    const inputs = handlers.map(inputOf).filter((i): i is InputDeclaration => Boolean(i));
    const outputs = handlers.map(outputOf).find(Boolean) ?? {};
    const success = Object.fromEntries(
      Object.entries(outputs).map(([status, schema]) => [
        status,
        schema === null
          ? { description: 'no content' }
          : { description: 'success', content: { 'application/json': { schema: jsonSchema(schema, 'output') } } },
      ]),
    );
    const body = inputs.find((i) => i.target === 'json');
    const bodySchema = body ? (jsonSchema(body.schema) as { properties?: object }) : undefined;
    const errors: Record<string, unknown> = {};
    const error = (status: number | 'default', description: string) =>
      (errors[status] = {
        description,
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      });
    if (inputs.length) error(400, 'invalid input; details.issues names each field');
    if (access !== PUBLIC) error(401, 'not signed in');
    if (access !== PUBLIC && access !== SIGNED_IN) error(403, `needs the "${String(access)}" permission`);
    if (path.includes('{')) error(404, 'no such item');
    if (bodySchema && 'expectedVersion' in (bodySchema.properties ?? {})) {
      error(409, 'stale: details.current is the item as it is now; nothing was overwritten');
    }
    error('default', 'any other refusal or failure (422 refused by a rule, 429, 500…), in the same shape');
    paths[path] ??= {};
    paths[path][method] = {
      operationId: `${method}${path.replace(/[{}]/g, '').replace(/[/-](\w)/g, (_, c: string) => c.toUpperCase())}`,
      'x-access': access ?? 'undeclared',
      ...(access === PUBLIC ? { security: [] } : {}),
      parameters: parameters(inputs, path),
      ...(bodySchema
        ? { requestBody: { required: true, content: { 'application/json': { schema: bodySchema } } } }
        : {}),
      'x-output-declared': Object.keys(outputs).length > 0,
      responses: { ...success, ...errors },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Dutyboard API', version: '1' },
    servers: [{ url: '/' }],
    components: {
      schemas: { Error: errorSchema },
      securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'dutyboard_session' } },
    },
    security: [{ session: [] }],
    paths,
  };
}
