import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { checkRules, fileCycles, importsOf, LAYERS, layerOf, layerOrder, readSources } from '../../support/import-rules.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

describe('the dependency rule of src/', () => {
  const sources = readSources(root);

  it('holds on the tree: imports follow the layers, libraries stay in adapters, process stays in runtime/cli', () => {
    expect(sources.length).toBeGreaterThan(100);
    expect(checkRules(sources)).toEqual([]);
  });

  it('has no import cycles between files either', () => {
    expect(fileCycles(sources)).toEqual([]);
    expect(fileCycles([{ path: 'src/a/x.ts', text: "import { y } from './y.js';" }, { path: 'src/a/y.ts', text: "import type { X } from './x.js';" }]))
      .toEqual([['src/a/x.ts', 'src/a/y.ts']]);
  });

  it('has a layer table without cycles, naming every folder of src/', () => {
    const order = layerOrder();
    expect(order.indexOf('ports')).toBeLessThan(order.indexOf('targets'));
    expect(order.indexOf('targets')).toBeLessThan(order.indexOf('app'));
    const folders = new Set(sources.map((f) => layerOf(f.path)));
    expect([...folders].filter((f) => !(f in LAYERS))).toEqual([]);
    expect(() => layerOrder({ a: ['b'], b: ['a'] })).toThrow(/cycle: a -> b -> a/);
  });

  it('finds every kind of import: static, type-only, re-export, side effect and dynamic, not those in comments', () => {
    expect(importsOf([
      "import { a } from './a.js';",
      "import type { B } from '../b.js';",
      "export { c } from './c.js';",
      "import './d.js';",
      "const e = await import('../e.js');",
      "// import { f } from './f.js';",
      '/* import { g } from "./g.js"; */',
    ].join('\n'))).toEqual(['./a.js', '../b.js', './c.js', './d.js', '../e.js']);
  });

  // Each rule, broken on purpose in a copy of one real file: the check names the file and the rule.
  const broken = (path: string, line: string) => {
    const file = sources.find((f) => f.path === path);
    if (!file) throw new Error(`${path} is gone; pick another file`);
    return checkRules([{ path, text: `${line}\n${file.text}` }]);
  };

  it('fails on an import going up the layers', () => {
    expect(broken('src/analysis/analyze.ts', "import { runScenario } from '../app/run-scenario.js';"))
      .toEqual(['src/analysis/analyze.ts: imports src/app/run-scenario.ts (analysis -> app goes against the layers)']);
    expect(broken('src/stack/lab.ts', "import { localTarget } from '../targets/local/local-target.js';"))
      .toEqual([expect.stringContaining('stack -> targets/local goes against the layers')]);
  });

  it('fails on a door skipped: the kubernetes target reaching into bootstrap, a use case importing a target', () => {
    expect(broken('src/targets/kubernetes/triggers.ts', "import { createStackContext } from '../../stack/bootstrap/context.js';"))
      .toEqual([expect.stringContaining('targets/kubernetes reaches stack only through src/stack/lab.ts')]);
    expect(broken('src/app/run-scenario.ts', "import { localTarget } from '../targets/local/local-target.js';"))
      .toEqual([expect.stringContaining('app -> targets/local goes against the layers')]);
  });

  it('fails on a library outside src/adapters, on child_process outside adapters and on process outside runtime and cli', () => {
    expect(broken('src/analysis/stats.ts', "import pg from 'pg';")).toEqual([expect.stringContaining('imports the package pg')]);
    expect(broken('src/targets/local/replica.ts', "import { spawn } from 'node:child_process';"))
      .toEqual([expect.stringContaining('node:child_process, which only src/adapters may')]);
    expect(broken('src/report/text-table.ts', 'const cwd = process.cwd();'))
      .toEqual([expect.stringContaining('uses the process global')]);
    expect(broken('src/ui/live-view.ts', "import { Box } from 'ink';")).toEqual([]);
  });
});
