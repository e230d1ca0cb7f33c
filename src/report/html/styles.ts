/** The report's whole stylesheet, inlined into <style>: system fonts only, nothing fetched. */
export const REPORT_CSS = `
:root { color-scheme: light; --fg: #1f2328; --muted: #656d76; --line: #d0d7de; --pass: #1a7f37; --fail: #cf222e; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 32px 48px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--fg); background: #fff; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 0 0 8px; display: flex; align-items: center; gap: 10px; flex-wrap: wrap; }
h3 { font-size: 15px; margin: 18px 0 6px; }
.subtitle { color: var(--muted); margin: 0 0 20px; }
section.run { border-top: 2px solid var(--line); padding-top: 18px; margin-top: 26px; }
dl.facts { display: grid; grid-template-columns: repeat(3, max-content minmax(0, 1fr)); gap: 2px 12px; margin: 8px 0 4px; max-width: 1400px; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; margin: 4px 0 8px; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 10px; border-bottom: 1px solid var(--line); text-align: right; vertical-align: top; }
th { background: #f6f8fa; font-weight: 600; }
td.text, th.text { text-align: left; }
tr.summary td { color: var(--muted); }
tr.summary td:nth-child(2) { font-style: italic; }
td.bad { color: var(--fail); font-weight: 600; }
.badge { display: inline-block; padding: 1px 9px; border-radius: 10px; font-size: 13px; font-weight: 700; color: #fff; }
.badge.pass { background: var(--pass); }
.badge.fail { background: var(--fail); }
.badge.status { background: #57606a; }
.badge.status.failed, .badge.status.interrupted, .badge.status.running { background: #9a6700; }
.verdict { margin: 10px 0 6px; font-size: 15px; }
.verdict .pass { color: var(--pass); }
.verdict .fail { color: var(--fail); }
.error { color: var(--fail); white-space: pre-wrap; }
.load { margin: 4px 0; }
.warning { margin: 4px 0; padding: 4px 10px; border-left: 4px solid #9a6700; background: #fff8c5; }
figure { margin: 10px 0 0; max-width: 1400px; }
figcaption { color: var(--muted); font-size: 12.5px; margin-top: 2px; }
svg.timeline { display: block; font-size: 12px; font-family: inherit; background: #fff; }
svg.timeline text { fill: var(--fg); }
svg.timeline .chart-title { font-size: 15px; font-weight: 600; }
svg.timeline .readout { font-size: 12.5px; fill: #0b3d91; }
svg.timeline .tick { fill: var(--muted); }
svg.timeline .axis-title { font-size: 12.5px; fill: #444c56; }
svg.timeline .note { fill: var(--muted); font-style: italic; }
svg.timeline .grid { stroke: #eaeef2; }
svg.timeline .vgrid { stroke: #f0f3f6; }
svg.timeline .tickmark { stroke: #8c959f; }
svg.timeline .frame { fill: none; stroke: #afb8c1; }
svg.timeline .rollout-window, svg.timeline .window-key { fill: #fff3b0; fill-opacity: .75; stroke: #d4a72c; stroke-dasharray: 3 2; }
svg.timeline .rollout-window:hover { fill: #ffe066; }
svg.timeline .rollout-label { font-size: 11px; font-weight: 700; fill: #7d4e00; pointer-events: none; }
svg.timeline .series { pointer-events: none; }
svg.timeline .requests-area { fill: #1f77b4; fill-opacity: .09; }
svg.timeline .requests-line { fill: none; stroke: #1f77b4; stroke-width: 1.6; }
svg.timeline .failure-band { fill-opacity: .9; }
svg.timeline .leases-line { fill: none; stroke: #6f42c1; stroke-width: 2; }
.recommendation { margin: 8px 0 4px; font-size: 15px; font-weight: 600; }
.ranking { color: var(--muted); font-size: 12.5px; margin: 2px 0 8px; }
svg.timeline .legend-item text { font-size: 12.5px; }
svg.timeline .stroke { stroke-width: 1.4; }
svg.timeline .hit { stroke: transparent; stroke-width: 9; }
svg.timeline .rotation .stroke { stroke: #24292f; }
svg.timeline .rotation .head { fill: #24292f; }
svg.timeline .issued .stroke { stroke: #1a7f37; stroke-dasharray: 5 3; }
svg.timeline .issued .head { fill: #1a7f37; }
svg.timeline .lease-expired .stroke { stroke: #bc4c00; stroke-dasharray: 2 3; }
svg.timeline .lease-expired .head { fill: #bc4c00; }
svg.timeline .lease-revoked .stroke { stroke: #a40e26; stroke-dasharray: 7 3 2 3; }
svg.timeline .lease-revoked .head { fill: none; stroke: #a40e26; stroke-width: 2; }
svg.timeline .marker:hover .stroke { stroke-width: 3; }
svg.timeline .cursor { stroke: #0b3d91; stroke-width: 1; stroke-dasharray: 2 2; pointer-events: none; }
`;
