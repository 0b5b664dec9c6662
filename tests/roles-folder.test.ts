// The roles folder and the API share one history: at start the folder is imported only when it changed
// since it was last imported from the folder; a version activated over the API since then stays
// active (the log says the folder is behind) until `roles export` writes it back. On every database.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { DEMO_PASSWORD } from '../core/auth/seed-members.ts';
import { createDb } from '../core/db/create-db.ts';
import { migrateToLatest } from '../core/db/migrate.ts';
import { exportVersion } from '../core/org/export-version.ts';
import { loadRolesAtStart } from '../core/org/load-at-start.ts';
import { createServices, type Services } from '../core/compose.ts';
import { testDatabases, type TestDatabase, type TestDb } from './helpers/databases.ts';
import { memoryLogger } from './helpers/silent-logger.ts';

const SHOP = readFileSync('roles/examples/three-person-shop.yaml', 'utf8');
const WITH_RETURNS = `${SHOP.replace(
  /\nmembers:/,
  `
task_types:
  - id: shop.return
    name: {zh-CN: 退货, en: Return}
    workflow:
      initial: open
      states:
        - {id: open, name: Open, category: todo}
        - {id: done, name: Done, category: done}
      transitions:
        - {from: open, to: done}

members:`,
)}`;

describe.each(testDatabases)('the roles folder at start on $kind', (database: TestDatabase) => {
  let db: TestDb | undefined;
  let folder: string;
  afterEach(async () => {
    await db?.dispose();
    db = undefined;
    rmSync(folder, { recursive: true, force: true });
  });

  /** One server start on the same database: new services, the folder loaded as main.ts does. */
  async function start(): Promise<{ services: Services; lines: () => Record<string, unknown>[] }> {
    const { log, lines } = memoryLogger();
    const services = createServices({ db: db!, log });
    await loadRolesAtStart(folder, services, log, { demoMembers: true });
    return { services, lines };
  }
  const behind = (lines: Record<string, unknown>[]) =>
    lines.filter((line) => String(line.msg).startsWith('the roles folder is behind'));

  async function setUp() {
    db = await database.create();
    await migrateToLatest(db.kysely);
    folder = mkdtempSync(path.join(tmpdir(), 'roles-folder-'));
    writeFileSync(path.join(folder, 'org.yaml'), SHOP);
    const first = await start();
    const v1 = (await first.services.org.active()).versionId;
    // A lead adds a task type over the API; cards of it are made.
    const { versionId: v2 } = await first.services.org.activate([{ name: 'org.yaml', text: WITH_RETURNS }], {
      baseVersionId: v1,
      authorId: null,
      origin: 'api',
    });
    await first.services.tasks.create(null, { type: 'shop.return', title: 'Parcel came back' });
    return { v1, v2 };
  }

  it('keeps a version activated over the API across a restart, and logs that the folder is behind', async () => {
    const { v1, v2 } = await setUp();
    const { services, lines } = await start();
    expect((await services.org.active()).versionId).toBe(v2);
    expect(behind(lines())).toEqual([expect.objectContaining({ level: 40, versionId: v2, folderVersionId: v1 })]);
    expect(String(behind(lines())[0]!.msg)).toContain(`npm run roles -- export ${folder}`);
    // Cards of the type the API version added stay usable.
    const [card] = await db!.kysely
      .selectFrom('tasks')
      .select(['id', 'version'])
      .where('type', '=', 'shop.return')
      .execute();
    const { actor } = await services.auth.signIn('zhou.xiaoman@demo.dutyboard.local', DEMO_PASSWORD, '127.0.0.1');
    const moved = await services.tasks.move(actor, card!.id, card!.version, { to: 'done' });
    expect(moved.task.status).toBe('done');
    // A second restart says the same and still changes nothing.
    expect((await (await start()).services.org.active()).versionId).toBe(v2);
  });

  it('imports the folder once it changed since it was last imported', async () => {
    const { v2 } = await setUp();
    writeFileSync(
      path.join(folder, 'org.yaml'),
      WITH_RETURNS.replace('name: {zh-CN: 退货, en: Return}', 'name: {zh-CN: 退货单, en: Return slip}'),
    );
    const { services, lines } = await start();
    const active = await services.org.active();
    expect(active.versionId).toBeGreaterThan(v2);
    expect(active.taskType('shop.return')?.name).toEqual({ 'zh-CN': '退货单', en: 'Return slip' });
    expect(behind(lines())).toEqual([]);
    // Unchanged since this import: the next start keeps it, quietly.
    const again = await start();
    expect((await again.services.org.active()).versionId).toBe(active.versionId);
    expect(behind(again.lines())).toEqual([]);
  });

  it('writes the active version back as files; the folder is then up to date', async () => {
    const { v2 } = await setUp();
    writeFileSync(path.join(folder, 'old-notes.yaml'), 'version: 1\n');
    const exported = await exportVersion(db!.kysely, folder);
    expect(exported).toEqual({ versionId: v2, written: ['org.yaml'], strangers: ['old-notes.yaml'] });
    expect(readFileSync(path.join(folder, 'org.yaml'), 'utf8')).toBe(WITH_RETURNS);
    rmSync(path.join(folder, 'old-notes.yaml'));
    const { services, lines } = await start();
    expect((await services.org.active()).versionId).toBe(v2);
    expect(behind(lines())).toEqual([]);
  });
});

describe('npm run roles -- export', () => {
  let dir: string | undefined;
  afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('writes the active version of the embedded database into a folder', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'roles-export-'));
    const dataDir = path.join(dir, 'data');
    // An embedded database folder with an organisation in it, as a stopped server leaves it.
    const template = await PGlite.create({ dataDir, loadDataDir: new Blob([readFileSync(inject('pgliteTemplate'))]) });
    await template.close();
    const db = await createDb({ kind: 'pglite', dataDir });
    await migrateToLatest(db.kysely);
    const services = createServices({ db, log: memoryLogger().log });
    await services.org.activate([{ name: 'org.yaml', text: WITH_RETURNS }], {
      baseVersionId: null,
      authorId: null,
      origin: 'api',
    });
    await db.close();

    const out = path.join(dir, 'roles');
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'core/org/cli.ts', 'export', out], {
      encoding: 'utf8',
      env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '' },
    });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(`version 1 written to ${out}: org.yaml\n`);
    expect(run.status).toBe(0);
    expect(readFileSync(path.join(out, 'org.yaml'), 'utf8')).toBe(WITH_RETURNS);
  }, 120_000);
});
