/**
 * The report's only script (optional; the page is complete without it): shows the rates of the
 * bucket under the mouse in each timeline's readout, from the JSON block next to the SVG. It marks
 * each timeline it set up with `data-hover="ready"` (the browser test checks that it ran).
 */
export const HOVER_SCRIPT = `
(function () {
  document.querySelectorAll('svg.timeline').forEach(function (svg) {
    var el = document.getElementById(svg.getAttribute('data-series'));
    if (!el) return;
    var d = JSON.parse(el.textContent);
    var readout = svg.querySelector('.readout');
    var cursor = svg.querySelector('.cursor');
    function hide() { cursor.setAttribute('visibility', 'hidden'); readout.textContent = ''; }
    svg.addEventListener('mouseleave', hide);
    svg.setAttribute('data-hover', 'ready');
    svg.addEventListener('mousemove', function (ev) {
      var pt = svg.createSVGPoint();
      pt.x = ev.clientX; pt.y = ev.clientY;
      var p = pt.matrixTransform(svg.getScreenCTM().inverse());
      if (p.x < d.left || p.x > d.right || d.requests.length === 0) return hide();
      var ms = (p.x - d.left) / (d.right - d.left) * d.rangeMs;
      if (d.dataMs !== undefined && ms > d.dataMs) return hide();
      var live = null;
      (d.leases || []).forEach(function (s) { if (s[0] <= ms) live = s[1]; });
      var i = Math.min(d.requests.length - 1, Math.floor(ms / d.bucketMs));
      var parts = [], total = 0;
      d.kinds.forEach(function (k, j) { var v = d.failures[j][i]; if (v > 0) { parts.push(k + ' ' + v); total += v; } });
      readout.textContent = (ms / 1000).toFixed(2) + 's: ' + d.requests[i] + ' req/s, ' +
        Math.round(total * 10) / 10 + ' failures/s' + (parts.length ? ' (' + parts.join(', ') + ')' : '') +
        (live === null ? '' : ', ' + live + ' live leases');
      cursor.setAttribute('x1', p.x); cursor.setAttribute('x2', p.x);
      cursor.setAttribute('visibility', 'visible');
    });
  });
})();
`;
