import { defineConfig } from 'wxt';
import preact from '@preact/preset-vite';
import { API_HOST_PATTERNS, HOST_MATCH_PATTERNS } from './lib/helpdesks';

/** Firefox ESR 140 is the oldest Firefox the end-to-end tests run on. */
const FIREFOX_MIN_VERSION = '140.0';
/** public/icon/<size>.png */
const ICONS = Object.fromEntries([16, 32, 48, 128].map((size) => [size, `icon/${size}.png`]));

// See https://wxt.dev/api/config.html
export default defineConfig({
  // Manifest V3 for Firefox too (`wxt build -b firefox` would default to MV2).
  manifestVersion: 3,
  srcDir: '.',
  entrypointsDir: 'entrypoints',
  publicDir: 'public',
  outDir: '.output',
  // `npm run zip`: the Chrome Web Store package, the addons.mozilla.org package, and the source
  // archive Firefox's review asks for (built again from it with `npm ci && npm run build:firefox`).
  zip: {
    artifactTemplate: '{{name}}-{{version}}-{{browser}}-{{manifestVersion}}.zip',
    // What a reviewer needs to rebuild: the sources, the lockfile, the configs and this README;
    // not the tests (the sandbox, fixtures, vendored API descriptions) or local artefacts.
    excludeSources: ['test/**', 'stats.html', '**/*.log', 'scripts/screenshots.mjs', 'scripts/bench.mjs'],
  },
  vite: () => ({
    plugins: [preact({ prefreshEnabled: false, devToolsEnabled: false })],
    // BACKLINE_SOURCEMAP=1 npm run build: source maps, to see which modules a chunk's size comes from.
    // BACKLINE_NOMINIFY=1: readable function names in a CPU profile of a page or the worker.
    build: { chunkSizeWarningLimit: 700, sourcemap: !!process.env.BACKLINE_SOURCEMAP, minify: !process.env.BACKLINE_NOMINIFY },
  }),
  manifest: ({ browser }) => ({
    // The catalogues in public/_locales (English and German); the browser picks its language.
    default_locale: 'en',
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    // alarms: the propagation outbox's retries wake the worker after it was stopped.
    permissions: ['storage', 'unlimitedStorage', 'scripting', 'alarms', ...(browser === 'firefox' ? [] : ['sidePanel'])],
    // The agent pages (content script) and the cloud helpdesks' API addresses (worker only).
    host_permissions: [...HOST_MATCH_PATTERNS, ...API_HOST_PATTERNS],
    // Self-hosted helpdesks: asked for, origin by origin, when an admin adds a connection.
    optional_host_permissions: ['https://*/*', 'http://*/*'],
    web_accessible_resources: [
      {
        resources: ['panel.html'],
        matches: [...HOST_MATCH_PATTERNS],
        ...(browser === 'firefox' ? {} : { use_dynamic_url: true }),
      },
    ],
    commands: {
      'toggle-panel': {
        suggested_key: { default: 'Alt+Shift+B', mac: 'MacCtrl+Shift+B' },
        description: '__MSG_commandTogglePanel__',
      },
    },
    // assets/icon.svg rendered by scripts/icons.mjs.
    icons: ICONS,
    action: { default_title: '__MSG_extName__', default_icon: ICONS },
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            gecko: {
              id: 'backline@backline.dev',
              // The oldest Firefox the end-to-end tests run on (Debian's firefox-esr).
              strict_min_version: FIREFOX_MIN_VERSION,
              // Backline sends nothing to its makers; tickets stay in this browser (and the
              // helpdesks and workspace server the admin configures).
              data_collection_permissions: { required: ['none'] },
            },
            // Firefox for Android is not tested; this only says which version first reads every
            // key above (data_collection_permissions: 142), as the add-on linter asks.
            gecko_android: { strict_min_version: '142.0' },
          },
          // Firefox's own sidebar shows the same panel page as Chrome's side panel.
          sidebar_action: { default_panel: 'panel.html', default_title: '__MSG_extName__', default_icon: ICONS, open_at_install: false },
        }
      : { side_panel: { default_path: 'panel.html' } }),
    // Firefox reads enterprise policy from its own policies.json, not from a managed schema.
    ...(browser === 'firefox' ? {} : { storage: { managed_schema: 'managed-schema.json' } }),
  }),
});
