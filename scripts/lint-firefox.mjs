/**
 * `web-ext lint` (Mozilla's add-on linter, as addons.mozilla.org runs it) on the Firefox build.
 * Fails on any error or notice, and on any warning that is not one of the known ones below, each
 * of which the README explains ("Firefox: what the add-on linter warns about"). A known warning is
 * recognised by its code and by the code around it, not by the chunk file's hashed name.
 *
 *   node scripts/lint-firefox.mjs    (after npm run build:firefox)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const dir = resolve(import.meta.dirname, '../.output/firefox-mv3');
if (!existsSync(join(dir, 'manifest.json'))) {
  console.error(`Build the Firefox package first (npm run build:firefox): ${dir} is missing.`);
  process.exit(1);
}

/**
 * Warnings inside libraries, each with text that sits around it in the bundle.
 * None takes text from a helpdesk or an agent unsanitised (see the README).
 */
const KNOWN = [
  { code: 'UNSAFE_VAR_ASSIGNMENT', before: '.__html', what: 'Preact: dangerouslySetInnerHTML, used only for DOMPurify-sanitised rich text' },
  { code: 'UNSAFE_VAR_ASSIGNMENT', before: 'createDocument(', what: 'DOMPurify: parses the text it is about to sanitise, in an inert document' },
  { code: 'UNSAFE_VAR_ASSIGNMENT', before: '<meta [^>]*>', what: 'ProseMirror: parses pasted HTML in an inert document before its schema filters it' },
  { code: 'UNSAFE_VAR_ASSIGNMENT', before: 'data-tiptap-style', what: 'Tiptap: its own fixed stylesheet' },
  {
    code: 'DANGEROUS_EVAL',
    before: 'Function.apply(null,',
    what: 'PouchDB (team workspace): compiles map/reduce functions given as strings; Backline passes none, and the extension CSP forbids it anyway',
  },
];

const run = spawnSync(process.execPath, [resolve(import.meta.dirname, '../node_modules/web-ext/bin/web-ext.js'), 'lint', '--source-dir', dir, '--output', 'json', '--no-input'], {
  encoding: 'utf8',
  maxBuffer: 64 * 1024 * 1024,
});
let report;
try {
  report = JSON.parse(run.stdout.slice(run.stdout.indexOf('{')));
} catch {
  console.error('web-ext lint gave no report:', run.stderr || run.stdout);
  process.exit(1);
}

/** The bundle text around a warning's position (mostly before it: the assignment's target). */
function contextOf(m) {
  if (!m.file || !m.line) return '';
  const line = readFileSync(join(dir, m.file), 'utf8').split('\n')[m.line - 1] ?? '';
  return line.slice(Math.max(0, (m.column ?? 0) - 300), (m.column ?? 0) + 40);
}

const problems = [];
const explained = [];
for (const m of report.errors) problems.push(`error ${m.code} ${m.file ?? ''}: ${m.message}`);
for (const m of report.notices) problems.push(`notice ${m.code} ${m.file ?? ''}: ${m.message}`);
for (const m of report.warnings) {
  const ctx = contextOf(m);
  const known = KNOWN.find((k) => k.code === m.code && ctx.includes(k.before));
  if (known) explained.push(`${m.code} in ${m.file}: ${known.what}`);
  else problems.push(`warning ${m.code} ${m.file ?? ''}${m.line ? `:${m.line}:${m.column}` : ''}: ${m.message} ${m.description ?? ''}`);
}

for (const e of explained) console.log(`web-ext lint: known warning (README): ${e}`);
if (problems.length) {
  console.error(`web-ext lint: ${problems.length} problem(s) in ${dir}:\n- ${problems.join('\n- ')}`);
  process.exit(1);
}
console.log(`web-ext lint: 0 errors, 0 notices, ${report.warnings.length} warnings, each explained in the README.`);
