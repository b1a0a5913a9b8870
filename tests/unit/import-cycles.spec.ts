// No import cycle in src: a module in a cycle works only while nothing in the cycle touches another's exports at
// load time, and the cycle hides which part depends on which. Type-only imports count too: they are erased from
// the build, but they still tie two parts together. Runs in about a second (`npx vitest run import-cycles`).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, test } from 'vitest';

/**
 * Cycles tolerated, each as the files in import order starting from the alphabetically first. Empty since the
 * pipeline moved to src/indexing/ (issue 10); keep it empty.
 */
const allowed: readonly string[] = [];

const src = resolve(import.meta.dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|svelte)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The module specifiers a file imports, re-exports or imports dynamically. */
function specifiers(path: string): string[] {
  let text = readFileSync(path, 'utf8');
  if (path.endsWith('.svelte'))
    text = [...text.matchAll(/<script[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('\n');
  const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      if (ts.isStringLiteral(node.moduleSpecifier)) found.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      found.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/**
 * src's import graph: file → the src files it imports. Packages and assets are left out, and so is a file importing
 * itself: a recursive Svelte component (a folder tree) renders itself, which is no cycle between parts.
 */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const path of sourceFiles(src)) {
    const targets = specifiers(path)
      .filter((s) => s.startsWith('.'))
      .map((s) => resolve(dirname(path), s.replace(/\?.*$/, '')))
      .map((base) => [base, `${base}.ts`, join(base, 'index.ts')].find((p) => existsSync(p) && statSync(p).isFile()))
      .filter((p): p is string => p !== undefined);
    graph.set(
      path,
      [...new Set(targets)].filter((p) => p !== path),
    );
  }
  return graph;
}

/** Every simple cycle (up to `limit`), each rotated to start at its alphabetically first file. */
function cycles(graph: Map<string, string[]>, limit = 100): string[][] {
  const found: string[][] = [];
  const nodes = [...graph.keys()].sort();
  // For each start, only cycles whose other files sort after it: each cycle is then found once, from its first file.
  for (const start of nodes) {
    const path = [start];
    const onPath = new Set(path);
    const walk = (node: string) => {
      for (const next of graph.get(node) ?? []) {
        if (found.length >= limit) return;
        if (next === start) found.push([...path]);
        else if (next > start && !onPath.has(next)) {
          path.push(next);
          onPath.add(next);
          walk(next);
          onPath.delete(next);
          path.pop();
        }
      }
    };
    walk(start);
  }
  return found;
}

describe('imports in src', () => {
  const found = cycles(importGraph()).map((c) => c.map((p) => relative(src, p)).join(' → '));

  test('form no cycle beyond the allow-list', () => {
    expect(found.filter((c) => !allowed.includes(c))).toEqual([]);
  });

  test('still contain every cycle of the allow-list (remove an entry once its cycle is gone)', () => {
    expect(allowed.filter((c) => !found.includes(c))).toEqual([]);
  });

  test('the check finds a cycle when there is one', () => {
    const a = '/a.ts';
    const b = '/b.ts';
    const c = '/c.ts';
    const graph = new Map([
      [a, [b]],
      [b, [c]],
      [c, [a, b]],
    ]);
    expect(cycles(graph)).toEqual([
      [a, b, c],
      [b, c],
    ]);
  });
});
