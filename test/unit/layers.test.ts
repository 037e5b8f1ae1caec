/**
 * The import graph follows design.md's layers: no cycles, imports point down only, and pages
 * never import the background, the store or the connectors. dependency-cruiser checks the rules
 * of .dependency-cruiser.cjs; the broken fixture proves the check can fail.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
  cycle?: { name: string }[];
}

function cruise(cwd: string, targets: string[]): Violation[] {
  const bin = path.join(root, 'node_modules/.bin/depcruise');
  const out = execFileSync(bin, [...targets, '--config', path.join(root, '.dependency-cruiser.cjs'), '--output-type', 'json'], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return (JSON.parse(out) as { summary: { violations: Violation[] } }).summary.violations;
}

const describeViolation = (v: Violation) => `${v.rule.name}: ${v.from} → ${v.to}${v.cycle ? ` (${v.cycle.map((c) => c.name).join(' → ')})` : ''}`;

describe('layers', () => {
  it('Backline’s own code has no cycle and no import against the layers', () => {
    expect(cruise(root, ['lib', 'components', 'entrypoints']).map(describeViolation)).toEqual([]);
  }, 60_000);

  it('reports a cycle, an upward import and a page importing the background (fixture)', () => {
    const found = cruise(path.join(root, 'test/fixtures/layers'), ['lib', 'components']).map((v) => v.rule.name);
    expect(found).toContain('no-circular');
    expect(found).toContain('model-is-the-bottom');
    expect(found).toContain('pages-never-import-the-background');
  }, 60_000);
});
