// Imports only point down: no cycle between two files of src/, nor between two of its top-level folders, and
// no folder imports one on a higher layer.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './action-yml.js';

const SRC = join(ROOT, 'src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** file → the src files it imports (type-only imports too: they tie the layers together just the same). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sources(SRC)) {
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(/^(?:import|export)\b[^;]*?from\s+'(\.{1,2}\/[^']+)'/gms)]
      .map((m) => resolve(dirname(file), m[1]!.replace(/\.js$/, '.ts')))
      .filter((target) => target.endsWith('.ts'));
    graph.set(relative(SRC, file), [...new Set(targets.map((t) => relative(SRC, t)))]);
  }
  return graph;
}

/** Every cycle found by a depth-first walk, each as the path that closes it. */
function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return found;
}

const folderOf = (file: string) => (file.includes('/') ? file.split('/')[0]! : '.');

/**
 * src/'s top-level folders from the bottom up; a folder may import its own layer and the ones below.
 * The pure core and the byte readers at the bottom; the adapters and the analyses on them; the input
 * contract and the explanation; the report; the stores, which keep the published report; the workflows;
 * the entries ('.' is src/ itself: action.ts, cli.ts, aggregate-action.ts).
 */
const LAYERS: readonly (readonly string[])[] = [
  ['core', 'oci', 'process'],
  ['analysis', 'registry', 'docker'],
  ['measure', 'buildx', 'git', 'github'],
  ['inputs', 'explain'],
  ['report'],
  ['store'],
  ['gate', 'aggregate'],
  ['cli', 'demo', '.'],
];

const layerOf = (folder: string) => LAYERS.findIndex((layer) => layer.includes(folder));

/** Each import from a folder to one on a higher layer, as `from (layer) → to (layer)`. */
function upward(graph: Map<string, string[]>): string[] {
  return [...graph].flatMap(([file, targets]) =>
    targets
      .filter((target) => layerOf(folderOf(target)) > layerOf(folderOf(file)))
      .map((target) => `${file} (${layerOf(folderOf(file))}) → ${target} (${layerOf(folderOf(target))})`),
  );
}

describe('imports under src/', () => {
  const files = importGraph();

  it('reads the imports (so the check can fail)', () => {
    expect(files.get('action.ts')).toContain('gate/run-gate.ts');
    expect(
      cycles(
        new Map([
          ['a', ['b']],
          ['b', ['a']],
        ]),
      ),
    ).toEqual([['a', 'b', 'a']]);
  });

  it('place every top-level folder on a layer', () => {
    const folders = new Set([...files.keys()].map(folderOf));
    expect([...folders].filter((folder) => layerOf(folder) < 0)).toEqual([]);
  });

  it('never point up a layer', () => {
    expect(upward(new Map([['core/a.ts', ['report/b.ts']]]))).toEqual(['core/a.ts (0) → report/b.ts (4)']);
    expect(upward(files)).toEqual([]);
  });

  it('form no cycle between files', () => {
    expect(cycles(files).map((c) => c.join(' → '))).toEqual([]);
  });

  it('form no cycle between top-level folders', () => {
    const folders = new Map<string, string[]>();
    for (const [file, targets] of files) {
      const from = folderOf(file);
      const to = targets.map(folderOf).filter((folder) => folder !== from);
      folders.set(from, [...new Set([...(folders.get(from) ?? []), ...to])]);
    }
    expect(cycles(folders).map((c) => c.join(' → '))).toEqual([]);
  });
});
