import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The layering of src/, read from the imports themselves (ARCHITECTURE.md, "The next shape"):
 *
 *   platform → db → ledger → play → domains → app → cli
 *
 * a folder imports only from its own layer or below; domains do not import each other (the type-only
 * exceptions are named below); only app/ (and a domain's own module descriptor) imports a routes.ts;
 * no two folders import each other, directly or around a cycle.
 */
const SRC = path.resolve(import.meta.dirname, '../src');
const LAYERS: Record<string, number> = { platform: 0, db: 1, ledger: 2, play: 3, app: 5, cli: 6 };
const DOMAIN_LAYER = 4;

/** Domain → domain imports allowed, each type-only (erased at run time) and named with its reason. */
const TYPE_ONLY_EXCEPTIONS: { from: string; to: string; why: string }[] = [
  { from: 'web/app/api.ts', to: 'wallet/history.ts', why: 'the back office reads the wire types the API defines' },
  {
    from: 'web/app/api.ts',
    to: 'wallet/rounds.ts',
    why: 'the back office reads the rounds wire types the API defines',
  },
  { from: 'web/app/api.ts', to: 'wallet/service.ts', why: 'the back office reads the wire types the API defines' },
  { from: 'web/app/api.ts', to: 'bonus/grant.ts', why: 'the back office reads the grant object the API defines' },
  { from: 'web/app/api.ts', to: 'operators/service.ts', why: 'the back office reads the operators wire types' },
  { from: 'web/app/api.ts', to: 'operators/audit.ts', why: 'the back office reads the audit log wire types' },
];

interface Import {
  file: string;
  target: string;
  type_only: boolean;
}

function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: false })
    .map(String)
    .filter((f) => /\.(ts|tsx|js)$/.test(f) && !f.includes('dist/') && !f.endsWith('.test.ts'))
    .map((f) => path.join(dir, f));
}

function importsOf(file: string): Import[] {
  const text = fs.readFileSync(file, 'utf8');
  const found: Import[] = [];
  const pattern =
    /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const match of text.matchAll(pattern)) {
    const spec = match[3] ?? match[4];
    if (!spec.startsWith('.')) continue;
    const resolved = path.relative(SRC, path.resolve(path.dirname(file), spec));
    if (resolved.startsWith('..')) continue;
    found.push({ file: path.relative(SRC, file), target: resolved, type_only: match[2] !== undefined });
  }
  return found;
}

const folderOf = (rel: string) => rel.split(path.sep)[0];
const layerOf = (folder: string) => LAYERS[folder] ?? DOMAIN_LAYER;
const isDomain = (folder: string) => !(folder in LAYERS);

const imports = sourceFiles(SRC).flatMap(importsOf);

test('the import reader sees the imports (it is not vacuous)', () => {
  assert.ok(imports.length > 200, `${imports.length} imports read`);
  assert.ok(
    imports.some((i) => i.file === path.join('app', 'modules.ts') && i.target === path.join('wallet', 'module.ts')),
  );
});

test('no folder imports a layer above its own (platform and db import no domain)', () => {
  const upward = imports.filter((i) => layerOf(folderOf(i.target)) > layerOf(folderOf(i.file)));
  assert.deepEqual(
    upward.map((i) => `${i.file} → ${i.target}`),
    [],
  );
});

test('no domain imports another domain, except the named type-only imports', () => {
  const crossing = imports.filter((i) => {
    const from = folderOf(i.file);
    const to = folderOf(i.target);
    if (from === to || !isDomain(from) || !isDomain(to)) return false;
    return !TYPE_ONLY_EXCEPTIONS.some((e) => e.from === i.file && e.to === i.target && i.type_only);
  });
  assert.deepEqual(
    crossing.map((i) => `${i.file} → ${i.target}${i.type_only ? ' (type)' : ''}`),
    [],
  );
});

test("only app/ and a domain's own module descriptor import a routes.ts", () => {
  const wrong = imports.filter(
    (i) =>
      path.basename(i.target) === 'routes.ts' &&
      folderOf(i.file) !== 'app' &&
      !(path.basename(i.file) === 'module.ts' && folderOf(i.file) === folderOf(i.target)),
  );
  assert.deepEqual(
    wrong.map((i) => `${i.file} → ${i.target}`),
    [],
  );
});

test('no import cycle between folders', () => {
  const edges = new Map<string, Set<string>>();
  for (const i of imports) {
    const from = folderOf(i.file);
    const to = folderOf(i.target);
    if (from !== to) edges.set(from, (edges.get(from) ?? new Set()).add(to));
  }
  const cycles: string[] = [];
  const visit = (node: string, trail: string[]) => {
    if (trail.includes(node)) {
      cycles.push([...trail.slice(trail.indexOf(node)), node].join(' → '));
      return;
    }
    for (const next of edges.get(node) ?? []) visit(next, [...trail, node]);
  };
  for (const node of edges.keys()) visit(node, []);
  assert.deepEqual([...new Set(cycles)], []);
});
