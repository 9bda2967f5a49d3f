// @ts-check
/* Solidarity Widget loader. Turns each <a class="solidarity-widget" href="…/embed/…"> of
 * this service into a sandboxed, lazily loaded iframe sized to its content. The link
 * stays the fallback without JavaScript. No cookies, no tracking, nothing sent about
 * the host page but, for a transparent widget with automatic colours, whether the page
 * behind it is light or dark (in the frame's #fragment, which no server sees).
 *
 * One loader per service: widgets of two services (two organisations) on one page are
 * each swapped and sized by their own service's loader.
 *
 * PERF: every byte here is sent to every host page's readers. The service serves it
 * without comments and with its local names shortened (widget/assets.py), so names here
 * cost nothing, but property names and strings go as written: say things once. Double
 * quotes, like the JSON the service writes in, compress better together; `==` where
 * both sides are strings. The service writes in only the constants used here
 * (`__SW_LOADER__`, widget/render/frames.py). bench/notes.py has what each part costs. */
(function (w, d) {
  var me = /** @type {HTMLScriptElement|null} */ (d.currentScript), all = w.solidarityWidget;
  if (!me) return;
  var origin = new URL(me.src).origin;
  // One registry for every service's loader on the page: `solidarityWidget.scan()` looks
  // for new links again; a second copy of this service's loader does the same. (Not
  // trusted when it has no services: an element with id="solidarityWidget" is also
  // window.solidarityWidget.)
  if (!all || !all.services) all = w.solidarityWidget = {
    services: {},
    scan: function () { for (var o in services) services[o](); }
  };
  /** @type {Object<string, () => void>} */
  var services = all.services;
  if (services[origin]) return services[origin]();
  // Heights, clamps and sandbox flags, written in by the service (widget/render/frames.py).
  var frame = __SW_LOADER__, LINKS = "a.solidarity-widget[href]",
    FRAMES = "solidarity-widget-frame"; // the class of the frames loaders make

  /** A height in px, kept between the clamps. @param {number|string} h */
  function px(h) { return Math.min(Math.max(Math.ceil(+h), frame.min), frame.max) + "px"; }

  /** Light or dark: the first painted background behind `el`, opaque past one half
   * (`c`: its numbers as strings, which the arithmetic reads as numbers).
   * @param {Element|null} el */
  function behind(el) {
    /** @type {any} */
    var c;
    for (; el; el = el.parentElement) {
      c = getComputedStyle(el).backgroundColor.match(/[\d.]+/g);
      if (c && c[2] && !(c[3] <= .5)) break;
    }
    // No element left: the browser's canvas, light.
    return el && .2126 * c[0] + .7152 * c[1] + .0722 * c[2] < 128 ? "dark" : "light";
  }

  /** @param {HTMLAnchorElement} a */
  function swap(a) {
    // `widget`: the word after /embed/ in the path (null: not a widget's link). `h`: the
    // measured height at this frame's width, `width`: that width.
    var data = a.dataset, url = new URL(a.href, location.href), q = url.searchParams,
      widget = /\/embed\/([^/]*)/.exec(url.pathname), f = d.createElement("iframe"),
      s = f.style, /** @type {any} */ h, /** @type {any} */ width;
    if (url.origin != origin || !widget || data.swDone) return;
    data.swDone = "1";
    if (q.get("background") == "transparent" && (q.get("theme") || "auto") == "auto") {
      url.hash = "sw-host=" + behind(a.parentElement);
    }
    f.src = url.href;
    f.title = data.title || /** @type {string} */ (a.textContent).trim() || "Solidarity widget";
    f.loading = "lazy";
    f.referrerPolicy = "no-referrer";
    f.setAttribute("sandbox", frame.sandbox);
    f.allow = frame.allow;
    f.className = FRAMES;
    s.cssText = "border:0;display:block;width:100%;color-scheme:normal";
    s.maxWidth = data.width ? data.width + "px" : "100%";
    // Not a number (or none): the widget's own default.
    s.height = px(+(/** @type {any} */ (data.height)) || frame.heights[widget[1]] || frame.heights.strike);
    a.replaceWith(f);
    // Measured heights (data-fit, "w:h w:h …", widths rising): the one at this frame's
    // width, kept until the widget tells its own.
    if (data.fit && !data.height) {
      width = f.getBoundingClientRect().width;
      data.fit.replace(/([\d.]+):(\d+)/g, /** @param {string} _ @param {any} at @param {string} fit */
        function (_, at, fit) { if (!h || at <= width) h = fit; return ""; });
      s.height = px(h);
    }
  }

  /** The links in `root` (a document or any added node), `root` itself included.
   * @param {any} root */
  function scan(root) {
    if (root.querySelectorAll) {
      if (root.matches && root.matches(LINKS)) swap(root);
      root.querySelectorAll(LINKS).forEach(swap);
    }
  }

  // A height from one of this service's frames. Loaders' frames (by their class; an
  // iframe the host page sized itself is left alone) are looked up when one speaks: none
  // is held here, so a frame taken off the page is let go with it.
  w.addEventListener("message", /** @param {MessageEvent} e */ function (e) {
    var m = e.data;
    // Only an object (not null) can carry our type.
    if (e.origin == origin && m && m.type == frame.message && m.height > 0) {
      [].forEach.call(d.getElementsByClassName(FRAMES),
        /** @param {HTMLIFrameElement} f */ function (f) { if (f.contentWindow == e.source) f.style.height = px(m.height); });
    }
  });

  (services[origin] = function () { scan(d); })();
  // Then only what is added, by the parser as it goes on or by a script, is looked at,
  // never the whole page again.
  new MutationObserver(function (records) {
    records.forEach(function (r) { r.addedNodes.forEach(scan); });
  }).observe(d.documentElement, { childList: true, subtree: true });
})(/** @type {any} */ (window), document);
