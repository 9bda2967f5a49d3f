// @ts-check
/* Solidarity Widget embed page script: moves day counters on at the instants the server
 * gave, and tells the host page how tall the widget is. Served from this service only.
 *
 * Each <time class="sw-n"> carries its number (data-n) and the instants, as the server's
 * tzdata computes them, at which it grows by one (data-next: the next local midnights).
 * The browser's own zone data is not trusted for those: it differs from the server's for
 * some zones. With data-then="reload", the last instant is where the server's list ends
 * or the words change (an announced strike's day 1, a confirmation running out): the
 * page asks the server again then. */
(function () {
  'use strict';
  var DAY = 864e5;
  var HOUR = 36e5;
  var RETRY_FOR = 10 * 60 * 1000;
  // The height message's name, written in by the service (widget/render/frames.py).
  var frame = __SW_FRAME__;
  var loaded = Date.now();

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
   * Where one counter stands at `now`: its number, the date it refers to, when to look
   * again (ms from now; Infinity: never), and whether to ask the server again now.
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
    if (!next.length || d.then !== 'reload') return { n: n, date: date, wait: Infinity, reload: false };
    // Past the last instant: its words are the server's to tell.
    var at = next[next.length - 1];
    var shown = { n: n + passed - 1, date: addDays(date, passed - 1), wait: Infinity, reload: false };
    if (at > loaded) {
      shown.reload = true; // crossed while the page was open
    } else if (now - at < RETRY_FOR) {
      // This copy was asked for after the instant and still says what came before it (a
      // clock ahead of the server's, a cache's last second): ask again, each time about
      // twice as long after the instant as the last ask, for ten minutes at most.
      var again = loaded + Math.max(5000, loaded - at);
      if (now >= again) shown.reload = true;
      else shown.wait = again - now;
    }
    return shown;
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
  var root = document.documentElement;
  var secret = (location.hash.match(/secret=([\w]{10})/) || [])[1];
  var host = (location.hash.match(/sw-host=(light|dark)/) || [])[1];
  if (host) root.classList.add('sw-host-' + host);
  var last = 0;
  function tall() { return Math.ceil(root.getBoundingClientRect().height); }
  function report() {
    if (window.parent === window) return;
    var h = tall();
    // WordPress hears every report, even one that measured nothing yet (below).
    if (secret) toWordPress(h);
    if (h === last || !h) return;
    last = h;
    window.parent.postMessage({ type: frame.message, height: h }, '*');
  }

  // WordPress keeps the frame hidden (clipped to nothing) until its first message, and
  // Chromium does not render a hidden frame from another origin: no ResizeObserver
  // callback comes, and a frame that measured 0 px when its script ran would never
  // speak (seen with Chromium 156: one view in a few dozen). WordPress also asks
  // (`ready`) only once, and a `ready` sent to a frame still loading is lost. So
  // WordPress gets every report, 0 px included (it shows the frame at its 200 px
  // least, and the frame, rendered again, reports its real height), and the height,
  // measured again each time, goes again, backing off from 1/4 s to 8 s, for about a
  // minute: WordPress only sets the same height again.
  var resends = 0, resending = false;
  /** @param {number} h */
  function toWordPress(h) {
    window.parent.postMessage({ message: 'height', value: h, secret: secret }, '*');
    if (resending || resends >= 12) return;
    resending = true;
    setTimeout(function () {
      resending = false;
      resends++;
      report();
    }, Math.min(250 << resends, 8000));
  }

  /** The page's height at every width from 200 to 1200 px, as "w:h w:h …": each height
   * holds from its width up to the next one's. Laid out and put back in one task, so
   * nothing is painted meanwhile. The builder asks, and puts it in snippets, so a host
   * page can keep the widget's height free before it loads (snippets.Fit). */
  function measure() {
    /** @type {Object<string, number>} */
    var seen = {};
    /** @param {number} w */
    function at(w) {
      if (!(w in seen)) { root.style.width = w + 'px'; seen[w] = tall(); }
      return seen[w];
    }
    var steps = [[200, at(200)]];
    /** @param {number} a @param {number} b */
    function split(a, b) {
      if (at(a) === at(b)) return;
      if (b - a <= 1 / 16) { steps.push([b, at(b)]); return; }
      var m = (a + b) / 2;
      split(a, m);
      split(m, b);
    }
    try {
      for (var w = 200; w < 1200; w += 16) split(w, Math.min(w + 16, 1200));
    } finally {
      root.style.width = '';
    }
    return steps.map(function (p) { return p[0] + ':' + p[1]; }).join(' ');
  }

  window.addEventListener('message', function (e) {
    var m = e.data;
    if (e.source !== window.parent || !m || typeof m !== 'object') return;
    // WordPress's script asks when it comes in after our first height.
    if (secret && m.message === 'ready' && m.secret === secret) { last = 0; report(); }
    if (m.type === frame.measure) {
      window.parent.postMessage({ type: frame.measured, heights: measure() }, '*');
    }
  });

  // In WordPress's frame (sandbox="allow-scripts": no popups) a link cannot open: its
  // script follows a `link` message to a page of this frame's own host, and /go on this
  // service sends the reader on to the link (widget.http.outbound).
  if (secret) {
    document.addEventListener('click', function (e) {
      var t = /** @type {Element} */ (e.target);
      var a = /** @type {HTMLAnchorElement|null} */ (t && t.closest ? t.closest('a[href]') : null);
      if (!a || e.defaultPrevented || e.button !== 0) return;
      e.preventDefault();
      // This service's own pages (a strike's page) directly; the others through /go.
      var go = a.host === location.host ? a.href
        : location.href.replace(/\/embed\/.*$/, frame.go) + '?to=' + encodeURIComponent(a.href);
      window.parent.postMessage({ message: 'link', value: go, secret: secret }, '*');
    });
  }

  // Share buttons: the browser's own share sheet where it has one, else the link is
  // copied. Nothing is sent anywhere by this page.
  document.querySelectorAll('button.sw-share[data-url]').forEach(function (b) {
    var button = /** @type {HTMLButtonElement} */ (b);
    var data = { url: button.dataset.url || location.href, title: button.dataset.title || '' };
    var nav = /** @type {any} */ (navigator);
    if (!nav.share && !(nav.clipboard && nav.clipboard.writeText)) return;
    button.hidden = false;
    button.addEventListener('click', function () {
      if (nav.share) {
        nav.share(data).catch(function () { /* dismissed */ });
        return;
      }
      nav.clipboard.writeText(data.url).then(function () {
        button.textContent = button.dataset.done || button.textContent;
      });
    });
  });

  try {
    update();
  } finally {
    document.addEventListener('visibilitychange', update);
    window.addEventListener('pageshow', update);
    if (typeof ResizeObserver === 'function') new ResizeObserver(report).observe(root);
    window.addEventListener('load', report);
    report();
  }
})();
