// The person behind a request, with the permissions their roles grant in the active organisation.
import type { Grant } from '../org/grants.ts';

export interface Actor {
  id: string;
  email: string;
  displayName: string;
  roles: string[];
  /** Names of the permissions held in any scope: enough for a route's guard. */
  permissions: ReadonlySet<string>;
  /** The same with their scopes: what a check on one card reads (core/auth/access.ts). */
  grants: readonly Grant[];
}
