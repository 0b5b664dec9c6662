// What the roles files define but could not be read (a YAML error, a part with schema errors): later
// checks run over the parts that were read, and do not report a reference to one of these as unknown.
export type PartKind = 'organization' | 'policies' | 'departments' | 'roles' | 'task_types' | 'members';

export class Unreadable {
  private readonly whole = new Set<PartKind>();
  private readonly ids = new Map<PartKind, Set<string>>();

  /** Anything of this kind may be defined where the files could not be read. */
  all(kind: PartKind): void {
    this.whole.add(kind);
  }

  /** A file that did not parse may define anything. */
  everything(): void {
    for (const kind of ['organization', 'policies', 'departments', 'roles', 'task_types', 'members'] as const)
      this.all(kind);
  }

  add(kind: PartKind, id: string): void {
    let set = this.ids.get(kind);
    if (!set) {
      set = new Set();
      this.ids.set(kind, set);
    }
    set.add(id);
  }

  /** The ids of this kind seen in unread parts (for "did you mean"). */
  idsOf(kind: PartKind): string[] {
    return [...(this.ids.get(kind) ?? [])];
  }

  /** Whether `id` (or, without an id, anything) of this kind may be defined in an unread part. */
  has(kind: PartKind, id?: string): boolean {
    if (this.whole.has(kind)) return true;
    return id === undefined ? (this.ids.get(kind)?.size ?? 0) > 0 : (this.ids.get(kind)?.has(id) ?? false);
  }
}
