// @ts-check
/* Solidarity Widget loader. Turns each <a class="solidarity-widget" href="…/embed/…"> of
 * this service into a sandboxed, lazily loaded iframe sized to its content. The link
 * stays the fallback without JavaScript. No cookies, no tracking, nothing sent about
 * the host page but, for a transparent widget with automatic colours, whether the page
 * behind it is light or dark (in the frame's #fragment, which no server sees).
 *
 * One loader per service: widgets of two services (two organisations) on one page are
 * each swapped and sized by their own service's loader. */
(function (w, d) {
  'use strict';
  var me = /** @type {HTMLScriptElement|null} */ (d.currentScript);
  if (!me) return;
  var origin = new URL(me.src).origin;
  /** @type {{services: Object<string, () => void>, scan: () => void}} */
  var all = w.solidarityWidget && w.solidarityWidget.services ? w.solidarityWidget : {
    services: {},
    scan: function () { for (var o in all.services) all.services[o](); }
  };
  w.solidarityWidget = all;
  if (all.services[origin]) return all.services[origin]();
  // Heights, clamps and sandbox flags, written in by the service (widget/render/frames.py).
  var frame = __SW_FRAME__;
  /** @type {Set<HTMLIFrameElement>} */
  var frames = new Set();

  /** @param {number} h */
  function clamp(h) { return Math.min(Math.max(Math.ceil(h), frame.min), frame.max); }

  /** The height measured at `width` from a snippet's data-fit ("w:h w:h …").
   * @param {string} fit @param {number} width */
  function fitted(fit, width) {
    var h = 0;
    fit.split(' ').forEach(function (pair) {
      var p = pair.split(':');
      if (!h || +p[0] <= width) h = +p[1];
    });
    return h;
  }

  /** Light or dark: the first painted background behind `el`.
   * @param {Element|null} el */
  function behind(el) {
    for (; el; el = el.parentElement) {
      var c = (getComputedStyle(el).backgroundColor.match(/[\d.]+/g) || []).map(Number);
      if (c.length > 2 && (c.length < 4 || c[3] > 0.5)) {
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2] < 128 ? 'dark' : 'light';
      }
    }
    return 'light'; // the browser's canvas
  }

  /** @param {HTMLAnchorElement} a */
  function swap(a) {
    var url = new URL(a.href, location.href);
    if (url.origin !== origin || url.pathname.indexOf('/embed/') < 0 || a.dataset.swDone) return;
    a.dataset.swDone = '1';
    var q = url.searchParams;
    if (q.get('background') === 'transparent' && (q.get('theme') || 'auto') === 'auto') {
      url.hash = 'sw-host=' + behind(a.parentElement);
    }
    var f = d.createElement('iframe');
    f.src = url.href;
    f.title = a.dataset.title || (a.textContent || '').trim() || 'Solidarity widget';
    f.loading = 'lazy';
    f.referrerPolicy = 'no-referrer';
    f.setAttribute('sandbox', frame.sandbox);
    f.allow = frame.allow;
    f.className = 'solidarity-widget-frame';
    var s = f.style;
    s.border = '0';
    s.display = 'block';
    s.width = '100%';
    s.maxWidth = a.dataset.width ? a.dataset.width + 'px' : '100%';
    s.colorScheme = 'normal';
    var widget = url.pathname.split('/embed/')[1].split('/')[0];
    s.height = clamp(+(a.dataset.height || 0) || frame.heights[widget] || frame.heights.strike) + 'px';
    frames.add(f);
    a.replaceWith(f);
    // Measured heights: the one at this frame's width, kept until the widget tells its own.
    if (a.dataset.fit && !a.dataset.height) {
      s.height = clamp(fitted(a.dataset.fit, f.getBoundingClientRect().width)) + 'px';
    }
  }

  /** @param {ParentNode} root */
  function scan(root) {
    if (root instanceof HTMLAnchorElement && root.matches('a.solidarity-widget[href]')) swap(root);
    root.querySelectorAll('a.solidarity-widget[href]').forEach(function (a) {
      swap(/** @type {HTMLAnchorElement} */ (a));
    });
  }

  w.addEventListener('message', /** @param {MessageEvent} e */ function (e) {
    var m = e.data;
    if (e.origin !== origin || !m || typeof m !== 'object' || m.type !== frame.message) return;
    frames.forEach(function (f) {
      if (!f.isConnected) frames.delete(f); // taken off the page
      else if (f.contentWindow === e.source && typeof m.height === 'number' && m.height > 0) {
        f.style.height = clamp(m.height) + 'px';
      }
    });
  });

  all.services[origin] = function () { scan(d); };
  scan(d);
  if (d.readyState === 'loading') d.addEventListener('DOMContentLoaded', function () { scan(d); });
  // Only what was added is looked at, never the whole page again.
  new MutationObserver(function (records) {
    records.forEach(function (r) {
      r.addedNodes.forEach(function (n) { if (n instanceof Element) scan(n); });
    });
  }).observe(d.documentElement, { childList: true, subtree: true });
})(/** @type {any} */ (window), document);
