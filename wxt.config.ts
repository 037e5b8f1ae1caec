import { defineConfig } from 'wxt';
import preact from '@preact/preset-vite';
import { API_HOST_PATTERNS, HOST_MATCH_PATTERNS } from './lib/helpdesks';

// See https://wxt.dev/api/config.html
export default defineConfig({
  srcDir: '.',
  entrypointsDir: 'entrypoints',
  publicDir: 'public',
  outDir: '.output',
  vite: () => ({
    plugins: [preact({ prefreshEnabled: false, devToolsEnabled: false })],
    build: { chunkSizeWarningLimit: 700 },
  }),
  manifest: ({ browser }) => ({
    name: 'Backline',
    description: 'Back-office tickets inside the web helpdesk your agents already use.',
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
        description: 'Show or hide the Backline panel',
      },
    },
    action: { default_title: 'Backline' },
    ...(browser === 'firefox'
      ? { browser_specific_settings: { gecko: { id: 'backline@backline.dev', strict_min_version: '115.0' } } }
      : { side_panel: { default_path: 'panel.html' } }),
    // Firefox reads enterprise policy from its own policies.json, not from a managed schema.
    ...(browser === 'firefox'
      ? { optional_permissions: ['https://*/*', 'http://*/*'] }
      : { storage: { managed_schema: 'managed-schema.json' } }),
  }),
});
