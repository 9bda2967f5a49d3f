// @ts-check
/* Solidarity Widget loader. Turns each <a class="solidarity-widget" href="…/embed/…"> of
 * this service into a sandboxed, lazily loaded iframe sized to its content. The link
 * stays the fallback without JavaScript. No cookies, no tracking, nothing sent about
 * the host page. */
(function (w, d) {
  'use strict';
  if (w.solidarityWidget) return w.solidarityWidget.scan();
  var me = /** @type {HTMLScriptElement|null} */ (d.currentScript);
  if (!me) return;
  var origin = new URL(me.src).origin;
  // Heights, clamps and sandbox flags, written in by the service (widget/render/frames.py).
  var frame = __SW_FRAME__;
  /** @type {Set<HTMLIFrameElement>} */
  var frames = new Set();

  /** @param {HTMLAnchorElement} a */
  function swap(a) {
    var url = new URL(a.href, location.href);
    if (url.origin !== origin || url.pathname.indexOf('/embed/') !== 0 || a.dataset.swDone) return;
    a.dataset.swDone = '1';
    var f = d.createElement('iframe');
    f.src = url.href;
    f.title = (a.textContent || '').trim() || 'Solidarity widget';
    f.loading = 'lazy';
    f.referrerPolicy = 'no-referrer';
    f.setAttribute('sandbox', frame.sandbox);
    f.className = 'solidarity-widget-frame';
    var s = f.style;
    s.border = '0';
    s.display = 'block';
    s.width = '100%';
    s.maxWidth = a.dataset.width ? a.dataset.width + 'px' : '100%';
    var widget = url.pathname.split('/')[2];
    s.height = (a.dataset.height || frame.heights[widget] || frame.heights.strike) + 'px';
    s.colorScheme = 'normal';
    frames.add(f);
    a.replaceWith(f);
  }

  function scan() {
    d.querySelectorAll('a.solidarity-widget[href]').forEach(function (a) {
      swap(/** @type {HTMLAnchorElement} */ (a));
    });
  }

  w.addEventListener('message', /** @param {MessageEvent} e */ function (e) {
    var m = e.data;
    if (e.origin !== origin || !m || typeof m !== 'object' || m.type !== frame.message) return;
    frames.forEach(function (f) {
      if (f.contentWindow === e.source && typeof m.height === 'number' && m.height > 0) {
        f.style.height = Math.min(Math.max(Math.ceil(m.height), frame.min), frame.max) + 'px';
      }
    });
  });

  w.solidarityWidget = { scan: scan };
  scan();
  if (d.readyState === 'loading') d.addEventListener('DOMContentLoaded', scan);
  new MutationObserver(scan).observe(d.documentElement, { childList: true, subtree: true });
})(/** @type {any} */ (window), document);
