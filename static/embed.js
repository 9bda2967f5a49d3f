// @ts-check
/* Solidarity Widget embed page script: rolls day counters over at local midnight and
 * tells the host page how tall the widget is. Served from this service only. */
(function () {
  'use strict';
  var DAY = 864e5;
  // The height message's name, written in by the service (widget/render/frames.py).
  var frame = __SW_FRAME__;

  /** @param {string} tz @returns {string} today's date in tz, as YYYY-MM-DD */
  function today(tz) {
    /** @type {Record<string, string>} */
    var p = {};
    new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' })
      .formatToParts(new Date())
      .forEach(function (x) { p[x.type] = x.value; });
    return p.year + '-' + p.month + '-' + p.day;
  }

  /** @param {string} iso @returns {number} */
  function utc(iso) {
    var d = iso.split('-');
    return Date.UTC(+d[0], +d[1] - 1, +d[2]);
  }

  // The one rule: day 1 is the start date in the strike's timezone; frozen at the end date.
  function update() {
    var counters = document.querySelectorAll('time.sw-n[data-start]');
    for (var i = 0; i < counters.length; i++) {
      var el = /** @type {HTMLTimeElement} */ (counters[i]);
      var d = el.dataset;
      var ref = today(d.tz || 'UTC');
      if (d.end && ref > d.end) ref = d.end;
      var n = Math.round((utc(ref) - utc(d.start || ref)) / DAY) + 1 + (+(d.offset || 0));
      if (n < 1) continue;
      var text = new Intl.NumberFormat(document.documentElement.lang,
        { numberingSystem: d.numbering || 'latn', useGrouping: false }).format(n);
      if (el.textContent !== text) el.textContent = text;
      if (el.dateTime !== ref) el.dateTime = ref;
    }
  }

  // Height messages: our own for widget.js, and WordPress's embed protocol when a
  // WordPress host framed us with #?secret=…
  var secret = (location.hash.match(/secret=([\w]{10})/) || [])[1];
  var last = 0;
  function report() {
    if (window.parent === window) return;
    var h = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (h === last) return;
    last = h;
    window.parent.postMessage({ type: frame.message, height: h }, '*');
    if (secret) window.parent.postMessage({ message: 'height', value: h, secret: secret }, '*');
  }

  update();
  setInterval(update, 30000);
  document.addEventListener('visibilitychange', update);
  if (typeof ResizeObserver === 'function') new ResizeObserver(report).observe(document.documentElement);
  window.addEventListener('load', report);
  report();
})();
