// What a plugin's HTTP route is: a method and path under /api/plugins/<id>, the permission it needs,
// zod schemas of its input and answer, and a handler that gets the validated input and the narrow
// plugin API (cards through the task service as the caller, the plugin's own tables).
import { z } from 'zod';
import type { TaskView } from '../tasks/task-view.ts';
import type { PluginTablesDb } from './own-tables.ts';

export const ROUTE_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type RouteMethod = (typeof ROUTE_METHODS)[number];

/** A card to create, as POST /api/tasks takes it. */
export interface PluginNewCard {
  type: string;
  title: string;
  description?: string;
  fields?: Record<string, unknown>;
  assignTo?: { personId?: string | null; roleId?: string | null };
}

/**
 * Cards as the person calling the route may see and change them: every call goes through core's task
 * service with that person's permissions, validation, hooks and escalations, like the card routes.
 */
export interface PluginCards {
  get(id: number): Promise<TaskView>;
  create(card: PluginNewCard): Promise<TaskView>;
  edit(
    id: number,
    expectedVersion: number,
    edit: { title?: string; description?: string; fields?: Record<string, unknown> },
  ): Promise<TaskView>;
  /** Moves the card to a state; a transition that needs approval opens the request (the card stays). */
  move(id: number, expectedVersion: number, to: string): Promise<TaskView>;
}

export interface PluginRequest<Params = unknown, Query = unknown, Body = unknown> {
  params: Params;
  query: Query;
  body: Body;
  actor: { id: string; email: string; displayName: string };
  cards: PluginCards;
  /** The plugin's own tables (`<id>_…`); anything else is refused. */
  tables: PluginTablesDb;
}

export interface PluginRoute<Params = unknown, Query = unknown, Body = unknown, Output = unknown> {
  method: RouteMethod;
  /** Below /api/plugins/<plugin id>: `/bins`, `/bins/:code`. */
  path: string;
  /** A permission of this plugin, of one it depends on, or of core. */
  permission: string;
  params?: z.ZodType<Params>;
  query?: z.ZodType<Query>;
  body?: z.ZodType<Body>;
  /** The JSON it answers with (published in OpenAPI, checked under test). */
  output: z.ZodType<Output>;
  /** 200 unless it creates something (201). */
  status?: 200 | 201;
  handle(request: PluginRequest<Params, Query, Body>): Output | Promise<Output>;
}

/** Declares a route with its handler typed from its schemas. */
export function defineRoute<Params = unknown, Query = unknown, Body = unknown, Output = unknown>(
  route: PluginRoute<Params, Query, Body, Output>,
): PluginRoute<Params, Query, Body, Output> {
  return route;
}

const schema = z.custom<z.ZodType>((value) => value instanceof z.ZodType, 'expected a zod schema');
const PATH = /^\/$|^(\/([a-z0-9][a-z0-9_-]*|:[a-zA-Z][a-zA-Z0-9]*))+$/;

export const routeSchema = z.strictObject({
  method: z.enum(ROUTE_METHODS),
  path: z.string().regex(PATH, 'expected a path like /bins or /bins/:code (lowercase segments, :params)'),
  permission: z.string().min(1),
  params: schema.optional(),
  query: schema.optional(),
  body: schema.optional(),
  output: schema,
  status: z.union([z.literal(200), z.literal(201)]).optional(),
  handle: z.custom<PluginRoute['handle']>((value) => typeof value === 'function', 'expected a function'),
});

/** Declared permissions of routes, and method + path clashes, as "field: message". */
export function checkRoutes(routes: readonly PluginRoute[], permissions: ReadonlySet<string>): string | undefined {
  const seen = new Set<string>();
  for (const [i, route] of routes.entries()) {
    if (!permissions.has(route.permission)) return `routes.${i}.permission: unknown permission "${route.permission}"`;
    const key = `${route.method} ${route.path.replace(/:\w+/g, ':')}`;
    if (seen.has(key)) return `routes.${i}.path: ${route.method} ${route.path} is declared twice`;
    seen.add(key);
    const named = route.path.match(/(?<=:)\w+/g) ?? [];
    if (named.length && !route.params)
      return `routes.${i}.params: the path names ${named.map((n) => `:${n}`).join(', ')}; declare a params schema`;
  }
  return undefined;
}
