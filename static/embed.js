// @ts-check
/* Solidarity Widget embed page script: moves day counters on at the instants the server
 * gave, and tells the host page how tall the widget is. Served from this service only.
 *
 * Each <time class="sw-n"> carries its number (data-n) and the instants, as the server's
 * tzdata computes them, at which it grows by one (data-next: the next local midnights).
 * The browser's own zone data is not trusted for those: it differs from the server's for
 * some zones. Past the last instant, data-then says what follows: "reload" (the wording
 * changes, e.g. an announced strike's day 1: the page asks the server again) or "count"
 * (later midnights come from the browser's zone data, the only source left). */
(function () {
  'use strict';
  var DAY = 864e5;
  var HOUR = 36e5;
  // The height message's name, written in by the service (widget/render/frames.py).
  var frame = __SW_FRAME__;
  var loaded = Date.now();

  /** @param {string} tz @param {number} at @returns {string} the date in tz, YYYY-MM-DD */
  function localDate(tz, at) {
    /** @type {Record<string, string>} */
    var p = {};
    new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' })
      .formatToParts(new Date(at))
      .forEach(function (x) { p[x.type] = x.value; });
    return p.year + '-' + p.month + '-' + p.day;
  }

  /** @param {string} iso a date, YYYY-MM-DD @returns {number} */
  function utc(iso) {
    var d = iso.split('-');
    return Date.UTC(+d[0], +d[1] - 1, +d[2]);
  }

  /** @param {string} iso @param {number} days @returns {string} */
  function addDays(iso, days) {
    return new Date(utc(iso) + days * DAY).toISOString().slice(0, 10);
  }

  /**
   * Where one counter stands at `now`: its number, the date it refers to, and when to
   * look again (ms from now; Infinity: never).
   * @param {DOMStringMap} d @param {number} now
   * @returns {{n: number, date: string, wait: number, reload: boolean}}
   */
  function stand(d, now) {
    var next = (d.next || '').split(' ').filter(Boolean).map(Date.parse);
    var n = +(d.n || 0);
    var date = d.asOf || '';
    var passed = 0;
    while (passed < next.length && next[passed] <= now) passed++;
    if (passed < next.length) {
      return { n: n + passed, date: addDays(date, passed), wait: next[passed] - now, reload: false };
    }
    if (!next.length) return { n: n, date: date, wait: Infinity, reload: false };
    if (d.then === 'reload') {
      // Only for an instant crossed while the page was open: a page already past it
      // (a clock ahead of the server's) would ask again and again.
      var crossed = next[next.length - 1] > loaded;
      return { n: n + passed - 1, date: addDays(date, passed - 1), wait: Infinity, reload: crossed };
    }
    // Past every instant the server gave: the browser's zone data is all there is.
    var last = addDays(date, passed);
    var today = localDate(d.tz || 'UTC', now);
    if (d.end && today > d.end) today = d.end;
    var more = Math.max(0, Math.round((utc(today) - utc(last)) / DAY));
    return { n: n + passed + more, date: addDays(last, more), wait: HOUR / 60, reload: false };
  }

  var timer = 0;
  function update() {
    var now = Date.now();
    var wait = Infinity;
    var reload = false;
    var counters = document.querySelectorAll('time.sw-n[data-n]');
    for (var i = 0; i < counters.length; i++) {
      // One counter the browser cannot follow (an unknown zone) never stops the others.
      try {
        var el = /** @type {HTMLTimeElement} */ (counters[i]);
        var s = stand(el.dataset, now);
        reload = reload || s.reload;
        wait = Math.min(wait, s.wait);
        if (s.n < 1) continue; // no day below 1, whatever a page says
        var text = new Intl.NumberFormat(document.documentElement.lang,
          { numberingSystem: el.dataset.numbering || 'latn', useGrouping: false }).format(s.n);
        if (el.textContent !== text) el.textContent = text;
        if (s.date && el.dateTime !== s.date) el.dateTime = s.date;
      } catch (e) {
        // The server's number stays as it was rendered.
      }
    }
    if (reload) {
      location.reload();
      return;
    }
    clearTimeout(timer);
    // Timers drift and sleep with the machine: never wait more than an hour at a time.
    if (wait < Infinity) timer = setTimeout(update, Math.min(Math.max(wait, 0), HOUR));
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

  try {
    update();
  } finally {
    document.addEventListener('visibilitychange', update);
    window.addEventListener('pageshow', update);
    if (typeof ResizeObserver === 'function') new ResizeObserver(report).observe(document.documentElement);
    window.addEventListener('load', report);
    report();
  }
})();
