// The UI's plugin registry is generated from PLUGINS: each configured plugin's UI module found beside its
// manifest (a folder's ui.tsx or ui/index.tsx, a file's .ui.tsx, a package's /ui export), none for a
// plugin without one; and a UI module's export is checked before it renders.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_PLUGINS } from '../core/config.ts';
import { configuredPlugins, registryText, uiModuleOf } from '../bin/plugin-ui-registry.mjs';
import { uiShapeProblem } from '../ui/src/plugins/ui-shape.ts';

describe('the generated plugin UI registry', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'plugin-ui-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (file: string) => {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), '');
  };

  it('reads PLUGINS as the server does', () => {
    expect(configuredPlugins({ PLUGINS: ' ./a , b,,' })).toEqual(['./a', 'b']);
    // Unset, the plugins the server loads by default (and so their UI is in the bundle); empty, none.
    expect(configuredPlugins({})).toEqual(DEFAULT_PLUGINS);
    expect(configuredPlugins({ PLUGINS: '' })).toEqual([]);
  });

  it('finds a folder plugin’s ui.tsx or ui/index.tsx and a file plugin’s .ui.tsx, and nothing for a plugin without a UI', () => {
    write('flat/index.ts');
    write('flat/ui.tsx');
    write('nested/index.ts');
    write('nested/ui/index.tsx');
    write('single.ts');
    write('single.ui.tsx');
    write('server-only/index.ts');
    expect(uiModuleOf('./flat', dir)).toMatchObject({
      specifier: expect.stringMatching(/\/flat\/ui\.tsx$/),
      source: path.join(dir, 'flat'),
    });
    expect(uiModuleOf('./nested', dir)).toMatchObject({
      specifier: expect.stringMatching(/\/nested\/ui\/index\.tsx$/),
    });
    expect(uiModuleOf('./single.ts', dir)).toEqual({
      specifier: expect.stringMatching(/\/single\.ui\.tsx$/),
      source: path.join(dir, 'single.ui.tsx'),
    });
    expect(uiModuleOf('./server-only', dir)).toBeNull();
    expect(uiModuleOf('no-such-dutyboard-plugin', dir)).toBeNull();
  });

  it('writes a lazy import per plugin with a UI, keyed by its PLUGINS entry, relative to the registry', () => {
    // chat-webhooks has no UI.
    const text = registryText(['./plugins/examples/warehouse', './plugins/chat-webhooks', './not/there']);
    expect(text).toContain(
      '  "./plugins/examples/warehouse": () => import("../../../plugins/examples/warehouse/ui.tsx"),\n',
    );
    expect(text).not.toContain('chat-webhooks');
    expect(text).not.toContain('not/there');
    expect(registryText([])).toContain('export const pluginUiModules = {};');
  });
});

describe('a plugin UI module’s export', () => {
  const Component = () => null;
  it('passes when every key is a slot with a component, or taskTypes', () => {
    expect(
      uiShapeProblem({ taskTypes: ['x.y'], cardFace: Component, cardPanel: Component, boardToolbar: Component }),
    ).toBeNull();
    expect(
      uiShapeProblem({
        taskTypes: 'all',
        navigation: { label: { 'zh-CN': '页', en: 'Page' }, page: Component },
        dashboard: { title: { 'zh-CN': '块', en: 'Widget' }, widget: Component },
      }),
    ).toBeNull();
  });

  it('says what is wrong: not an object, an unknown slot, a slot that is not a component, a missing language', () => {
    expect(uiShapeProblem(undefined)).toBe('its default export is not definePluginUi({...})');
    expect(uiShapeProblem({ cardface: Component })).toBe(
      'cardface: not a slot (slots: cardFace, cardPanel, boardToolbar, navigation, dashboard)',
    );
    expect(uiShapeProblem({ cardPanel: '<div/>' })).toBe('cardPanel: expected a Solid component');
    expect(uiShapeProblem({ navigation: { label: { en: 'Page' }, page: Component } })).toBe(
      'navigation: expected {label: {zh-CN, en}, page}',
    );
    expect(uiShapeProblem({ dashboard: Component })).toBe('dashboard: expected {title: {zh-CN, en}, widget}');
    expect(uiShapeProblem({ taskTypes: 'x.y' })).toBe('taskTypes: expected task type ids or "all"');
  });
});
