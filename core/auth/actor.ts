// The person behind a request, with the permissions their roles grant in the active organisation.
export interface Actor {
  id: string;
  email: string;
  displayName: string;
  roles: string[];
  permissions: ReadonlySet<string>;
}
