// Types of bin/prepare.mjs for the TypeScript that imports it (the bench).
export function prepare(options?: { log?: (line: string) => void }): Promise<void>;
