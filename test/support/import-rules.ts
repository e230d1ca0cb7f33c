import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, normalize } from 'node:path';

/*
 * The dependency rule of src/ (README "Code layout"), as data, and a checker over the import graph.
 * A folder may import only the folders listed for it; everything lower in the list is lower in the
 * layers. The table itself must stay acyclic (checked by the test).
 */

/** Folder → the folders its files may import. Subfolders not named here belong to their parent. */
export const LAYERS: Readonly<Record<string, readonly string[]>> = {
  errors: [],
  runtime: ['errors'],
  ports: ['errors'],
  scenario: ['errors'],
  // The delivery strategies' facts and timing formulas: pure data and functions.
  strategies: ['scenario', 'errors'],
  recorder: ['ports', 'errors'],
  load: ['recorder', 'scenario', 'ports', 'errors'],
  analysis: ['strategies', 'recorder', 'scenario', 'ports', 'errors'],
  results: ['analysis', 'recorder', 'scenario', 'ports', 'runtime', 'errors'],
  report: ['results', 'analysis', 'recorder', 'scenario', 'ports', 'errors'],
  ui: ['recorder', 'ports', 'runtime', 'errors'],
  stack: ['scenario', 'ports', 'runtime', 'errors'],
  targets: ['load', 'scenario', 'ports', 'runtime', 'errors'],
  'targets/local': ['targets', 'stack', 'strategies', 'scenario', 'ports', 'runtime', 'errors'],
  'targets/kubernetes': ['targets', 'stack', 'strategies', 'load', 'scenario', 'ports', 'runtime', 'errors'],
  app: ['targets', 'stack', 'results', 'report', 'analysis', 'strategies', 'recorder', 'load', 'ui', 'scenario', 'ports', 'runtime', 'errors'],
  adapters: ['load', 'ports', 'runtime', 'errors'],
  // The composition root: wires adapters into ports and builds the registry of targets.
  cli: ['app', 'adapters', 'targets/local', 'targets/kubernetes', 'targets', 'stack', 'report', 'results', 'ui',
    'analysis', 'strategies', 'scenario', 'ports', 'runtime', 'errors'],
  // Bundled alone into a ConfigMap: it imports nothing of vaultctl.
  'demo-app': [],
  // The load worker program (issue 13): the open-model generator and the recorder's binning, bundled alone.
  'load-worker': ['adapters', 'recorder', 'load', 'ports', 'runtime', 'errors'],
};

/** Narrow doors: `from -> to` imports must go to one of these files. */
export const DOORS: Readonly<Record<string, readonly string[]>> = {
  // The kubernetes target uses the lab through one facade, not bootstrap's internals.
  'targets/kubernetes -> stack': ['src/stack/lab.ts'],
  // Use cases know the Target interface and the engine; the implementations are wired in cli.
  'app -> targets': ['src/targets/target.ts', 'src/targets/run-target.ts', 'src/targets/run-types.ts'],
};

/** npm packages by folder prefix; `*` = any. Everything else imports no package at all. */
export const PACKAGES: Readonly<Record<string, readonly string[]>> = {
  'src/adapters/': ['*'],
  'src/ui/': ['ink', 'react'],
  'src/cli/': ['commander'],
  'src/scenario/': ['zod', 'yaml'],
  'src/stack/config/': ['zod', 'yaml'],
  // Renders the lab's manifests as YAML documents.
  'src/stack/manifests/': ['yaml'],
  'src/demo-app/': ['pg'],
};

/** Node built-ins only adapters may import. */
export const ADAPTER_ONLY_BUILTINS: readonly string[] = ['node:child_process'];

/** The only folders that may touch the `process` global (streams, env, exit, signals, children's exit hook). */
export const PROCESS_FOLDERS: readonly string[] = ['src/runtime/', 'src/cli/', 'src/demo-app/', 'src/load-worker/'];

/** One source file: its repo-relative path, its text, and what it imports. */
export interface SourceFile {
  path: string;
  text: string;
}

/** Every .ts/.tsx file under `root/src`, repo-relative with forward slashes. */
export function readSources(root: string): SourceFile[] {
  const out: SourceFile[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory()) walk(rel);
      else if (/\.tsx?$/.test(e.name)) out.push({ path: rel, text: readFileSync(join(root, rel), 'utf8') });
    }
  };
  walk('src');
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

/** Static, re-export and dynamic import specifiers of a file. */
export function importsOf(text: string): string[] {
  const code = stripComments(text);
  const specs: string[] = [];
  for (const m of code.matchAll(/(?:^|[\s;}])(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g)) specs.push(m[1]);
  for (const m of code.matchAll(/(?:^|[\s;])import\s*['"]([^'"]+)['"]/g)) specs.push(m[1]);
  for (const m of code.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) specs.push(m[1]);
  return specs;
}

/** The layer a src file belongs to: its folder under src, `targets/<name>` for a target. */
export function layerOf(path: string): string {
  const parts = path.split('/');
  if (parts[1] === 'targets' && parts.length > 3) return `targets/${parts[2]}`;
  return parts[1];
}

/** Every broken rule, as `file: message` lines (empty when the tree follows the rules). */
export function checkRules(files: readonly SourceFile[]): string[] {
  const problems: string[] = [];
  for (const f of files) {
    const from = layerOf(f.path);
    for (const spec of importsOf(f.text)) {
      if (spec.startsWith('.')) {
        const target = toSourcePath(f.path, spec);
        const to = layerOf(target);
        if (to === from) continue;
        if (!(LAYERS[from] ?? []).includes(to)) problems.push(`${f.path}: imports ${target} (${from} -> ${to} goes against the layers)`);
        const door = DOORS[`${from} -> ${to}`];
        if (door && !door.includes(target)) problems.push(`${f.path}: imports ${target}; ${from} reaches ${to} only through ${door.join(', ')}`);
      } else if (isBuiltin(spec)) {
        const name = spec.startsWith('node:') ? spec : `node:${spec}`;
        if (ADAPTER_ONLY_BUILTINS.includes(name) && from !== 'adapters') problems.push(`${f.path}: imports ${name}, which only src/adapters may (the spawn port)`);
        if (name === 'node:process' && !PROCESS_FOLDERS.some((p) => f.path.startsWith(p))) problems.push(`${f.path}: imports node:process`);
      } else {
        const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
        const allowed = Object.entries(PACKAGES).find(([prefix]) => f.path.startsWith(prefix))?.[1] ?? [];
        if (!allowed.includes('*') && !allowed.includes(pkg)) problems.push(`${f.path}: imports the package ${pkg} (library imports belong in src/adapters)`);
      }
    }
    if (!PROCESS_FOLDERS.some((p) => f.path.startsWith(p)) && /(?<![\w$./-])process\.[a-zA-Z]/.test(stripComments(f.text))) {
      problems.push(`${f.path}: uses the process global (only src/runtime, src/cli and the demo app may; take it from the Runtime)`);
    }
  }
  return problems;
}

/** Layers in an order where each comes after everything it imports; throws on a cycle in LAYERS. */
export function layerOrder(layers: Readonly<Record<string, readonly string[]>> = LAYERS): string[] {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, path: string[]) => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') throw new Error(`the layer table has a cycle: ${[...path, name].join(' -> ')}`);
    state.set(name, 'visiting');
    for (const dep of layers[name] ?? []) visit(dep, [...path, name]);
    state.set(name, 'done');
    order.push(name);
  };
  for (const name of Object.keys(layers)) visit(name, []);
  return order;
}

function toSourcePath(from: string, spec: string): string {
  const resolved = normalize(join(dirname(from), spec)).split('\\').join('/');
  return resolved.replace(/\.js$/, '.ts').replace(/\.jsx$/, '.tsx');
}

function isBuiltin(spec: string): boolean {
  return spec.startsWith('node:') || builtinModules.includes(spec);
}

function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

/** Groups of src files that import each other in a circle (type-only imports included); empty when there are none. */
export function fileCycles(files: readonly SourceFile[]): string[][] {
  const known = new Set(files.map((f) => f.path));
  const edges = new Map(files.map((f) => [f.path, importsOf(f.text).filter((s) => s.startsWith('.'))
    .map((s) => toSourcePath(f.path, s)).map((p) => (known.has(p) ? p : p.replace(/\.ts$/, '.tsx'))).filter((p) => known.has(p))]));
  // Tarjan's strongly connected components.
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const group: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      group.push(w);
    } while (w !== v);
    if (group.length > 1) cycles.push(group.sort());
  };
  for (const f of files) if (!index.has(f.path)) visit(f.path);
  return cycles;
}
