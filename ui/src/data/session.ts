// Who is signed in (null: nobody), and the organisation's catalogue the screens draw with: task types
// with their fields and workflows, roles and people. Loaded once per sign-in.
import { createResource, createRoot, createSignal } from 'solid-js';
import type { Directory, Me, TaskType } from '../../../core/http/contract.ts';
import { organisationLocale } from '../i18n/i18n.ts';
import { api, unwrap } from './api.ts';

export interface Catalogue {
  types: Map<string, TaskType>;
  directory: Directory;
  person(id: string | null | undefined): { id: string; displayName: string } | undefined;
  role(id: string | null | undefined): Directory['roles'][number] | undefined;
}

async function loadMe(): Promise<Me | null> {
  return (await unwrap(api.session.$get())).me;
}

async function loadCatalogue(me: Me | null): Promise<Catalogue | undefined> {
  if (!me) return undefined;
  const [types, directory] = await Promise.all([unwrap(api['task-types'].$get()), unwrap(api.directory.$get())]);
  organisationLocale(directory.organization.locale);
  const people = new Map(directory.people.map((p) => [p.id, p]));
  const roles = new Map(directory.roles.map((r) => [r.id, r]));
  return {
    types: new Map(types.map((type) => [type.id, type])),
    directory,
    person: (id) => (id ? people.get(id) : undefined),
    role: (id) => (id ? roles.get(id) : undefined),
  };
}

export const session = createRoot(() => {
  const [me, { mutate, refetch }] = createResource(loadMe);
  const [catalogue] = createResource(() => me() ?? false, loadCatalogue);
  const [version, setVersion] = createSignal(0);
  return {
    me,
    catalogue,
    /** Bumped on sign-in and sign-out, so screens reload what they show. */
    version,
    signedIn(person: Me) {
      mutate(person);
      setVersion((v) => v + 1);
    },
    signedOut() {
      mutate(null);
      setVersion((v) => v + 1);
    },
    refetch,
  };
});
