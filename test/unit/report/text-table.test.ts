import { describe, expect, it } from 'vitest';
import { analyzeRun } from '../../../src/analysis/analyze.js';
import { layoutTable, visibleWidth } from '../../../src/report/table-layout.js';
import { renderRunTable } from '../../../src/report/text-table.js';
import { syntheticRun } from '../analysis/fixture.js';

function analysis() {
  const { recorder, events } = syntheticRun();
  return analyzeRun({ events, timeline: recorder, settleMs: 2000, measureFromMs: 2000, measureToMs: 20_000 });
}

describe('renderRunTable', () => {
  it('renders one row per rollout, then baseline and overall', () => {
    expect(renderRunTable(analysis(), { color: false, scenarioName: 'synthetic' })).toMatchInlineSnapshot(`
      "synthetic: 2 rollouts, 18.0s measured
      #  trigger   start    duration  sent/asked  failures    rate  downtime   p99  causes
      1  refresh    3.0s       2.00s     400/400         5  1.250%      50ms  10ms  http_5xx:57P01×5
      2  revoke    10.0s  incomplete     795/795        15  1.887%     200ms  10ms  conn_refused×15
         baseline              6.00s     600/600         1  0.167%      10ms  10ms  http_5xx:28P01×1
         overall              18.00s   1795/1795        21  1.170%     200ms  10ms  conn_refused×15 http_5xx:57P01×5 http_5xx:28P01×1
      "
    `);
  });

  it('colours only when asked, without changing the layout', () => {
    const plain = renderRunTable(analysis(), { color: false, scenarioName: 'synthetic' });
    const coloured = renderRunTable(analysis(), { color: true, scenarioName: 'synthetic' });
    expect(plain).not.toMatch(/\u001b/);
    expect(coloured).toMatch(/\u001b\[31m/);
    expect(coloured.replace(/\u001b\[[0-9;]*m/g, '')).toBe(plain);
  });
});

describe('layoutTable', () => {
  it('aligns columns by visible width', () => {
    const lines = layoutTable([['a', '\u001b[31m1\u001b[0m', 'x'], ['long', '100']], ['left', 'right', 'left'], 1);
    expect(lines.map((l) => l.replace(/\u001b\[[0-9;]*m/g, ''))).toEqual(['a      1 x', 'long 100']);
    expect(visibleWidth('\u001b[1mab\u001b[0m')).toBe(2);
  });
});
