/**
 * Backline's layers (design.md, "Layers"): imports point down only, and nothing runs in circles.
 *
 *   entrypoints/, components/   UI and wiring: model, helpdesks, protocol and client only
 *   lib/background/             handlers per sender; owns store, connectors, outbox, sync
 *   lib/protocol*, lib/client   the typed messages and their schemas
 *   lib/store/, lib/connectors/ persistence (idb) and helpdesk APIs, side by side
 *   lib/helpdesks/              one descriptor per helpdesk
 *   lib/model/                  record and view types, settings, domain rules, errors, ids
 *
 * Checked by test/unit/layers.test.ts (part of `npm test`); type-only imports count too, since a
 * type shared by two layers belongs to the lower one.
 */
const UI = '^(components|entrypoints)/';
const PAGES = '^(components/|entrypoints/(?!background\\.ts$))';
const BACKGROUND = '^lib/background/';
const PROTOCOL = '^lib/(protocol[^/]*|client)\\.ts$';
const STORE = '^lib/store/';
const CONNECTORS = '^lib/connectors/';
const HELPDESKS = '^lib/helpdesks/';
const MODEL = '^lib/model/';

/** Layer `name` (files matching `from`) may not import `to`. */
const down = (name, from, to, comment) => ({ name, severity: 'error', comment, from: { path: from }, to: { path: to } });

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules that import each other (directly or round a loop) cannot be understood, tested or split apart alone.',
      from: {},
      to: { circular: true },
    },
    down('model-is-the-bottom', MODEL, `${UI}|^lib/(?!model/)`, 'lib/model/ imports nothing of Backline but itself.'),
    down('helpdesks-over-model-only', HELPDESKS, `${UI}|^lib/(?!model/|helpdesks/)`, 'Descriptors may use the model and each other only.'),
    down('store-below-protocol', STORE, `${UI}|${BACKGROUND}|${PROTOCOL}|${CONNECTORS}`, 'The store knows records, not messages, senders or helpdesk APIs.'),
    down('connectors-below-protocol', CONNECTORS, `${UI}|${BACKGROUND}|${PROTOCOL}|${STORE}`, 'A connector talks to one helpdesk API; it does not persist or answer messages.'),
    down('protocol-over-model', PROTOCOL, `${UI}|${BACKGROUND}|${STORE}|${CONNECTORS}`, 'Messages are described with model types; pages import them, so they must stay light.'),
    down('background-below-ui', BACKGROUND, UI, 'Handlers never import UI.'),
    down(
      'pages-never-import-the-background',
      PAGES,
      `${BACKGROUND}|${STORE}|${CONNECTORS}`,
      'Pages talk to the background through the protocol; its code (hashing, import validation, tokens) must not ship in pages.',
    ),
    down('background-entry-wires-lib-background', '^entrypoints/background\\.ts$', `${STORE}|${CONNECTORS}|^components/`, 'The background entrypoint only wires lib/background/.'),
    {
      name: 'lib-is-flat-only-in-known-layers',
      severity: 'error',
      comment: 'Every module of lib/ belongs to a layer.',
      from: { path: '^(lib|components|entrypoints)/' },
      to: { path: '^lib/(?!(model|helpdesks|store|connectors|background)/|(protocol[^/]*|client)\\.ts$)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|\\.output|\\.wxt)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.d.ts'],
    },
  },
};
