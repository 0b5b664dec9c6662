// The only reader of process.env: validates the environment once and names the fix when it is wrong.
import path from 'node:path';
import { z } from 'zod';
import { isLocalUrl, isLoopbackAddress, splitHost } from './host-names.ts';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const portSchema = z.coerce.number().int().min(0).max(65535);

/** The department plugins shipped in plugins/, loaded unless PLUGINS says otherwise (PLUGINS= loads none). */
export const DEFAULT_PLUGINS = [
  './plugins/after-sales',
  './plugins/listing',
  './plugins/promotion',
  './plugins/chat-webhooks',
  './plugins/campaigns',
];

const commaList = z.string().transform((value) =>
  value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean),
);
const PACKAGE_NAME = /^(@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/;

const envSchema = z.object({
  PORT: portSchema.default(8787),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .refine((value) => /^postgres(ql)?:\/\/.+/.test(value), 'expected a postgres:// or postgresql:// URL')
    .optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  ROLES_DIR: z.string().min(1).default('./roles'),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  LOG_FORMAT: z.enum(['auto', 'pretty', 'json']).default('auto'),
  TRUST_PROXY: z
    .string()
    .regex(/^(true|false|\d{1,2})$/, 'expected false, true or a number of proxies')
    .transform((value) => (value === 'true' ? 1 : value === 'false' ? 0 : Number(value)))
    .default(0),
  ALLOWED_HOSTS: z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean),
    )
    .refine(
      (entries) => entries.every((entry) => splitHost(entry) !== null),
      'expected host names separated by commas, each `name` or `name:port`',
    )
    .default([]),
  DEMO_MEMBERS: z.enum(['auto', 'on', 'off']).default('auto'),
  PLUGINS: commaList
    .refine(
      (entries) => entries.every((entry) => /^(\.{1,2}\/|\/)/.test(entry) || PACKAGE_NAME.test(entry)),
      'expected local paths (./…, /…) or package names, separated by commas',
    )
    .default(DEFAULT_PLUGINS),
  PLUGINS_REQUIRED: commaList.default([]),
  WEBHOOK_ALLOW_HOSTS: z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((host) => host.trim())
        .filter(Boolean),
    )
    .refine(
      (hosts) => hosts.every((host) => /^(\[[0-9a-f:.]+\]|[0-9a-z.:_-]+)$/i.test(host) && !/^[^:[]+:\d+$/.test(host)),
      'expected host names or IP addresses, without scheme or port',
    )
    .default([]),
});

/** How each variable is fixed, shown when it is invalid. */
const FIXES: Record<keyof z.infer<typeof envSchema>, string> = {
  PORT: 'set PORT to a TCP port number from 0 to 65535, e.g. PORT=8787',
  HOST: 'set HOST to an interface address, e.g. HOST=127.0.0.1 or HOST=0.0.0.0',
  DATABASE_URL:
    'set DATABASE_URL=postgres://user@host:5432/dbname, or leave it unset to use the embedded database (PGlite)',
  DATA_DIR: 'set DATA_DIR to a writable folder for the embedded database, e.g. DATA_DIR=./data',
  ROLES_DIR: 'set ROLES_DIR to the folder (or file) with your roles YAML, e.g. ROLES_DIR=./roles',
  PUBLIC_URL: 'set PUBLIC_URL to the address people open Dutyboard at, e.g. PUBLIC_URL=https://board.example.com',
  LOG_LEVEL: `set LOG_LEVEL to one of ${LOG_LEVELS.join(', ')}`,
  LOG_FORMAT: 'set LOG_FORMAT to auto, pretty or json',
  WEBHOOK_ALLOW_HOSTS:
    'list the hosts webhooks may reach although they are local or private, comma-separated, e.g. WEBHOOK_ALLOW_HOSTS=127.0.0.1,hooks.internal',
  TRUST_PROXY:
    'set TRUST_PROXY to the number of proxies of yours in front of Dutyboard (true means 1), or false when clients connect directly',
  ALLOWED_HOSTS:
    'set ALLOWED_HOSTS to the other names the server is reached by, e.g. ALLOWED_HOSTS=board.internal,10.0.0.5:8787',
  DEMO_MEMBERS: 'set DEMO_MEMBERS to auto (only on a local server), on or off',
  PLUGINS:
    'list the plugins to load by local path or package name, comma-separated, e.g. PLUGINS=./plugins/examples/warehouse',
  PLUGINS_REQUIRED:
    'list the plugins (ids or PLUGINS entries) without which the server must not start, e.g. PLUGINS_REQUIRED=warehouse',
};

export interface Config {
  port: number;
  host: string;
  database: { kind: 'pglite'; dataDir: string } | { kind: 'postgres'; url: string };
  rolesDir: string;
  /** Where people reach the product; links in webhook messages point there. */
  publicUrl: string;
  logLevel: (typeof LOG_LEVELS)[number];
  logFormat: 'pretty' | 'json';
  /** Proxies of ours in front: the client address is read from X-Forwarded-For through that many hops. */
  trustProxy: number;
  /** Host names besides PUBLIC_URL's (and localhost on a loopback server) that requests may name. */
  allowedHosts: string[];
  /**
   * Whether the roles file's demo members (with the public demo password) are created in an empty
   * database: DEMO_MEMBERS=on, or auto (the default) on a server only this machine can reach.
   */
  demoMembers: boolean;
  /** Hosts webhooks may reach although they are on this machine or a private network. */
  webhookAllowHosts: string[];
  /** Plugins to load (PLUGINS): local paths or package names; by default the department plugins (DEFAULT_PLUGINS). */
  plugins: string[];
  /** Plugins (ids or PLUGINS entries) whose failure stops the start with exit code 2. */
  requiredPlugins: string[];
}

/** Thrown for a bad environment; main prints its one-line message and exits with code 2. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, isTerminal = Boolean(process.stdout.isTTY)): Config {
  // An empty variable means "not set", as it does in most shells' `VAR= cmd` idiom.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0]) as keyof typeof FIXES;
    const shown = env[variable] === undefined ? '' : ` (got ${JSON.stringify(env[variable])})`;
    throw new ConfigError(`Invalid ${variable}${shown}: ${issue.message}. Fix: ${FIXES[variable]}.`);
  }
  const e = parsed.data;
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT || 8787}`).replace(/\/$/, '');
  return {
    port: e.PORT,
    host: e.HOST,
    database: e.DATABASE_URL
      ? { kind: 'postgres', url: e.DATABASE_URL }
      : { kind: 'pglite', dataDir: path.resolve(e.DATA_DIR) },
    rolesDir: path.resolve(e.ROLES_DIR),
    publicUrl,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT === 'auto' ? (isTerminal ? 'pretty' : 'json') : e.LOG_FORMAT,
    trustProxy: e.TRUST_PROXY,
    allowedHosts: e.ALLOWED_HOSTS,
    demoMembers:
      e.DEMO_MEMBERS === 'on' || (e.DEMO_MEMBERS === 'auto' && isLoopbackAddress(e.HOST) && isLocalUrl(publicUrl)),
    webhookAllowHosts: e.WEBHOOK_ALLOW_HOSTS,
    plugins: e.PLUGINS,
    requiredPlugins: e.PLUGINS_REQUIRED,
  };
}
