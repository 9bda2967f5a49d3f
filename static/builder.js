// @ts-check
/* Solidarity Widget builder: makes the GET form at / live. The server stays the one
 * place that knows what a snippet is: on every change this script asks / for the new
 * choices, and moves the preview and the snippets of the answer into the page. It also
 * keeps the address in step (history.replaceState), so a builder state can be shared,
 * asks the preview for its heights at every width (for the snippets' reservation), and
 * copies snippets. Nothing is stored, nothing leaves this service.
 *
 * What is copied is what the page shows once it is up to date: a Copy pressed while a
 * change is still on its way (typed, being asked for, or being measured) waits for it
 * (`settle`), then copies the new snippet. */
(function (w, d) {
  'use strict';
  var form = /** @type {HTMLFormElement|null} */ (d.getElementById('b-form'));
  if (!form || form.dataset.live) return;
  form.dataset.live = '1';
  var theForm = form;
  var status = /** @type {HTMLElement} */ (d.getElementById('b-status'));
  var fit = /** @type {HTMLInputElement|null} */ (d.getElementById('b-fit'));
  var DELAY = 250; // ms after the last key before the page is asked again
  var MEASURE_WAIT = 3000; // ms a Copy waits at most for the preview's heights
  var COPIED_FOR = 2000; // ms the button says "Copied"
  // Clamps and the messages, written in by the service (widget/render/frames.py).
  var sw = __SW_FRAME__;
  var FIT = /^\d{1,4}(\.\d{1,4})?:\d{1,4}$/;

  var timer = 0;
  /** The request on its way: its query, and a promise kept when its answer is shown.
   * @type {{query: string, controller: AbortController, done: Promise<void>}|null} */
  var inflight = null;
  var shown = query(); // the query whose answer the page shows
  /** The preview being asked for its heights, or about to be (its page is loading).
   * @type {{done: Promise<void>, end: () => void, timer: number}|null} */
  var measuring = null;
  var loadedSrc = ''; // the page the preview frame has loaded ('' while it loads)
  var silent = false; // that page did not answer: it is not asked again
  var changes = 0; // choices made that change the widget: heights asked before are old
  var askedAt = -1; // `changes` when the preview was last asked
  /** What the server last sent for each part moved in, to leave unchanged parts alone.
   * @type {Object<string, string>} */
  var sent = {};
  var copiedForm = ''; // the snippet last copied, and until when its button says so
  var copiedUntil = 0;
  var copiedTimer = 0;

  /** @param {string} id */
  function byId(id) { return d.getElementById(id); }

  /** @param {string|undefined} message */
  function say(message) {
    // Emptied first, so that the same message twice is announced twice.
    status.textContent = '';
    w.setTimeout(function () { status.textContent = message || ''; }, 60);
  }

  function kind() {
    var checked = /** @type {HTMLInputElement|null} */ (
      theForm.querySelector('input[name="widget"]:checked'));
    return checked ? checked.value : '';
  }

  // Show only the choices that matter for the widget chosen.
  function showChoices() {
    var k = kind();
    theForm.querySelectorAll('[data-for]').forEach(function (el) {
      var kinds = (/** @type {HTMLElement} */ (el).dataset.for || '').split(' ');
      /** @type {HTMLElement} */ (el).hidden = kinds.indexOf(k) < 0;
    });
  }

  // The query the form would send, without hidden or empty choices: the server checks
  // only what matters for the widget, and the address stays short.
  function query() {
    var params = new URLSearchParams();
    Array.prototype.forEach.call(theForm.elements, function (/** @type {any} */ el) {
      if (!el.name || el.disabled || el.closest('[hidden]')) return;
      if ((el.type === 'radio' || el.type === 'checkbox') && !el.checked) return;
      var value = String(el.value).trim();
      if (value) params.append(el.name, value);
    });
    return params.toString();
  }

  /** @param {number} [delay] */
  function schedule(delay) {
    w.clearTimeout(timer);
    timer = w.setTimeout(update, delay === undefined ? DELAY : delay);
  }

  /** Asks the page for the form's choices, unless it shows them or is being asked. */
  function update() {
    w.clearTimeout(timer);
    timer = 0;
    var q = query();
    if (inflight && inflight.query === q) return;
    if (!inflight && q === shown) return;
    if (inflight) inflight.controller.abort();
    var controller = new AbortController();
    var job = { query: q, controller: controller, done: Promise.resolve() };
    inflight = job;
    job.done = fetch('/' + (q ? '?' + q : ''), { signal: controller.signal, credentials: 'omit' })
      .then(function (r) {
        return r.text().then(function (text) { return { ok: r.ok, text: text }; });
      })
      .then(function (answer) {
        if (inflight !== job) return;
        inflight = null;
        shown = q;
        apply(new DOMParser().parseFromString(answer.text, 'text/html'), answer.ok);
      })
      .catch(function (/** @type {any} */ e) {
        if (inflight === job) inflight = null;
        if (e && e.name === 'AbortError') return;
        showProblem(status.dataset.failed || '');
      });
  }

  /** Kept once the page shows the answer to the form as it is now, with the heights the
   * preview measured if it is measuring: what a Copy waits for.
   * @returns {Promise<void>} */
  function settle() {
    if (timer) update();
    if (inflight) return inflight.done.then(settle);
    if (measuring) return measuring.done.then(settle);
    return Promise.resolve();
  }

  function busy() { return Boolean(timer || inflight || measuring); }

  /** @param {Element|null} el @param {string} name */
  function attr(el, name) { return el ? el.getAttribute(name) : null; }

  /** How to find `el` again in a part that replaces the one it is in.
   * @param {Element} el */
  function keyOf(el) {
    var h = /** @type {HTMLElement} */ (el);
    if (h.id) return '#' + CSS.escape(h.id);
    if (h.dataset && h.dataset.copy) return '.b-copy[data-copy="' + CSS.escape(h.dataset.copy) + '"]';
    var lang = el.getAttribute('hreflang');
    if (lang) return 'a[hreflang="' + CSS.escape(lang) + '"]';
    return el.tagName === 'SUMMARY' ? 'summary' : '';
  }

  /** Moves the new page's element with the same id into this page, unless the server
   * sent the same again. The control that had the focus in it keeps it (its twin in the
   * new part), as do an open list and the preview's phone width. Whether it did.
   * @param {Document} doc @param {string} id */
  function take(doc, id) {
    var now = byId(id);
    var next = doc.getElementById(id);
    if (!now || !next) return false;
    var html = next.outerHTML;
    if (sent[id] === html) return false;
    sent[id] = html;
    next.querySelectorAll('[id]').forEach(function (part) { sent[part.id] = part.outerHTML; });
    var active = d.activeElement;
    var key = active && active !== d.body && now.contains(active) ? keyOf(active) : '';
    var area = active instanceof HTMLTextAreaElement ? active : null;
    var open = now.querySelector('details[open]');
    var phone = /** @type {HTMLInputElement|null} */ (now.querySelector('#b-phone'));
    var fresh = /** @type {HTMLElement} */ (d.adoptNode(next));
    if (open) {
      var details = fresh.querySelector('details');
      if (details) details.open = true;
    }
    // Copy buttons need this script: they are shown before anything is focused in them.
    fresh.querySelectorAll('.b-copy').forEach(function (b) { /** @type {HTMLElement} */ (b).hidden = false; });
    var newPhone = /** @type {HTMLInputElement|null} */ (fresh.querySelector('#b-phone'));
    if (phone && newPhone) newPhone.checked = phone.checked;
    now.replaceWith(fresh);
    forget(fresh);
    var again = key ? /** @type {HTMLElement|null} */ (fresh.querySelector(key)) : null;
    if (again) {
      again.focus({ preventScroll: true });
      if (area && again instanceof HTMLTextAreaElement && again.value === area.value) {
        again.setSelectionRange(area.selectionStart, area.selectionEnd);
      }
    }
    return true;
  }

  /** The parts around `el` no longer hold what the server sent for them.
   * @param {Element} el */
  function forget(el) {
    for (var up = el.parentElement; up; up = up.parentElement) if (up.id) delete sent[up.id];
  }

  /** The preview: a frame or a badge is updated in place, and a frame only reloads
   * when it is to show another page.
   * @param {Document} doc */
  function preview(doc) {
    var stage = byId('b-stage');
    var next = doc.getElementById('b-stage');
    if (stage) forget(stage);
    var shownEl = stage && stage.firstElementChild;
    var wanted = next && next.firstElementChild;
    if (!stage || !next || !shownEl || !wanted || shownEl.tagName !== wanted.tagName) {
      if (stage && next) {
        stage.replaceWith(d.adoptNode(next));
        frameChanged();
      }
      return;
    }
    var now = shownEl;
    var src = attr(wanted, 'src');
    ['title', 'alt', 'width', 'height'].forEach(function (name) {
      var value = attr(wanted, name);
      if (value === null) now.removeAttribute(name);
      else if (value !== now.getAttribute(name)) now.setAttribute(name, value);
    });
    if (src !== null && src !== now.getAttribute('src')) {
      if (now instanceof HTMLIFrameElement) now.style.height = '';
      now.setAttribute('src', src);
      frameChanged();
    }
  }

  /** @param {Document} doc @param {boolean} ok */
  function apply(doc, ok) {
    take(doc, 'b-problem');
    take(doc, 'b-langs');
    var results = byId('b-results');
    if (!results) return;
    if (!ok) {
      // A wrong choice: the message above says which; old snippets must not be copied.
      showResults(false);
      return;
    }
    if (results.hidden || !byId('b-stage')) {
      if (take(doc, 'b-results')) frameChanged();
    } else {
      preview(doc);
      take(doc, 'b-snippets');
    }
    showResults(true);
    showCopyButtons();
    showCopied();
    var nextForm = /** @type {HTMLFormElement|null} */ (doc.getElementById('b-form'));
    var state = nextForm ? nextForm.dataset.state || '' : '';
    theForm.dataset.state = state;
    // NOTE: the measured heights (`fit`) are not in the state: they are measured, not
    // chosen, and the address is for sharing.
    w.history.replaceState(null, '', location.pathname + state);
    remeasure();
  }

  /** @param {boolean} visible */
  function showResults(visible) {
    var results = byId('b-results');
    var jump = byId('b-jump');
    if (results) results.hidden = !visible;
    if (jump) jump.hidden = !visible;
    var view = byId('b-view');
    if (view) view.hidden = !frame();
    stuck();
  }

  function showCopyButtons() {
    d.querySelectorAll('.b-copy').forEach(function (b) { /** @type {HTMLElement} */ (b).hidden = false; });
  }

  // --- the preview's heights at every width, measured by the widget itself -------------

  function frame() {
    return /** @type {HTMLIFrameElement|null} */ (byId('b-preview-frame'));
  }

  /** Heights are awaited until the preview answers, or for MEASURE_WAIT at most. */
  function startMeasuring() {
    if (measuring) return;
    /** @type {() => void} */
    var end = function () {};
    /** @type {Promise<void>} */
    var done = new Promise(function (resolve) { end = function () { resolve(); }; });
    var job = { done: done, end: end, timer: 0 };
    job.timer = w.setTimeout(function () { stopMeasuring(false); }, MEASURE_WAIT);
    measuring = job;
  }

  /** @param {boolean} answered */
  function stopMeasuring(answered) {
    var job = measuring;
    if (!job) return;
    if (!answered && loadedSrc) silent = true;
    measuring = null;
    w.clearTimeout(job.timer);
    job.end();
  }

  /** The preview frame is to show another page (or is new): its heights are to come. */
  function frameChanged() {
    var f = frame();
    loadedSrc = '';
    silent = false;
    if (f) startMeasuring();
    else stopMeasuring(true);
  }

  /** @param {HTMLIFrameElement} f */
  function ask(f) {
    if (!f.contentWindow) return;
    startMeasuring();
    askedAt = changes;
    f.contentWindow.postMessage({ type: sw.measure }, location.origin);
  }

  /** After an answer: a preview whose heights were dropped (a choice changed) and that
   * did not reload is asked again. */
  function remeasure() {
    var f = frame();
    if (f && fit && !fit.value && loadedSrc && loadedSrc === f.getAttribute('src') && !silent) ask(f);
  }

  /** @param {HTMLIFrameElement} f */
  function frameLoaded(f) {
    var doc = null;
    try { doc = f.contentDocument; } catch (e) { doc = null; }
    if (doc && doc.URL === 'about:blank') return;
    loadedSrc = f.getAttribute('src') || '';
    silent = false;
    ask(f);
  }

  /** "w:h w:h …" as the service takes it (snippets.parse_fit), else ''.
   * @param {unknown} value */
  function heights(value) {
    if (typeof value !== 'string') return '';
    var pairs = value.trim().split(/\s+/);
    var most = fit ? +(fit.dataset.pairs || 0) : 0;
    if (!pairs.length || pairs.length > most) return '';
    var last = -1;
    for (var i = 0; i < pairs.length; i++) {
      if (!FIT.test(pairs[i])) return '';
      var wh = pairs[i].split(':');
      var width = +wh[0], height = +wh[1];
      if (width <= last || height < sw.min || height > sw.max) return '';
      last = width;
    }
    return pairs.join(' ');
  }

  // A load does not bubble, but is seen on its way down: any preview frame, old or new.
  d.addEventListener('load', function (e) {
    var f = frame();
    if (f && e.target === f) frameLoaded(f);
  }, true);

  // --- copying ------------------------------------------------------------------

  /** The button of a snippet, as the page has it now.
   * @param {string} id */
  function copyButton(id) {
    return /** @type {HTMLButtonElement|null} */ (
      d.querySelector('.b-copy[data-copy="' + CSS.escape(id) + '"]'));
  }

  /** The buttons say "Copied" for a while, also when the snippets were swapped meanwhile. */
  function showCopied() {
    var live = Date.now() < copiedUntil;
    d.querySelectorAll('.b-copy').forEach(function (b) {
      var button = /** @type {HTMLElement} */ (b);
      var text = /** @type {HTMLElement|null} */ (button.querySelector('.b-copy-text'));
      if (!text) return;
      if (!text.dataset.label) text.dataset.label = text.textContent || '';
      var copiedNow = live && button.dataset.copy === copiedForm;
      text.textContent = copiedNow ? status.dataset.copied || text.dataset.label : text.dataset.label;
    });
  }

  /** @param {string} id */
  function copied(id) {
    say(status.dataset.copied);
    copiedForm = id;
    copiedUntil = Date.now() + COPIED_FOR;
    showCopied();
    w.clearTimeout(copiedTimer);
    copiedTimer = w.setTimeout(showCopied, COPIED_FOR + 50);
    // The focus stays on the button pressed, or goes to its twin if the snippets were
    // swapped meanwhile (or to it at all: Safari does not focus a button clicked).
    var button = copyButton(id);
    var active = /** @type {HTMLElement|null} */ (d.activeElement);
    if (button && (!active || active === d.body || !active.isConnected ||
                   active.dataset.copy === id)) {
      button.focus({ preventScroll: true });
    }
  }

  /** Without the Clipboard API: select the text, and let the browser copy it if it can.
   * @param {string} id */
  function fallback(id) {
    var area = /** @type {HTMLTextAreaElement|null} */ (byId(id));
    if (!area) return;
    area.focus();
    area.select();
    var ok = false;
    try { ok = d.execCommand('copy'); } catch (e) { ok = false; }
    if (ok) copied(id);
    else say(status.dataset.selected);
  }

  /** @param {string} id */
  function textOf(id) {
    var area = /** @type {HTMLTextAreaElement|null} */ (byId(id));
    return area ? area.value : '';
  }

  /** @param {string} id @param {string} text */
  function write(id, text) {
    var clip = navigator.clipboard;
    if (!clip || !clip.writeText) { fallback(id); return; }
    clip.writeText(text).then(function () { copied(id); }, function () { fallback(id); });
  }

  /** A copy pressed while the page is still catching up: the text is the one it will
   * show. Browsers that let a page write only while handling the press (Safari) take a
   * ClipboardItem whose text is still to come; the others are written once it is there.
   * @param {string} id */
  function writeLater(id) {
    var text = settle().then(function () { return textOf(id); });
    var clip = navigator.clipboard;
    var Item = /** @type {any} */ (w).ClipboardItem;
    if (clip && clip.write && typeof Item === 'function') {
      var item = null;
      try {
        item = new Item({ 'text/plain': text.then(function (t) {
          return new Blob([t], { type: 'text/plain' });
        }) });
      } catch (e) { item = null; }
      if (item) {
        clip.write([item]).then(function () { copied(id); }, function () {
          text.then(function (t) { write(id, t); });
        });
        return;
      }
    }
    text.then(function (t) { write(id, t); });
  }

  d.addEventListener('click', function (e) {
    var target = e.target instanceof Element ? e.target.closest('.b-copy') : null;
    if (!target) return;
    var id = /** @type {HTMLElement} */ (target).dataset.copy || '';
    if (!byId(id)) return;
    if (busy()) writeLater(id);
    else write(id, textOf(id));
  });

  // --- the accent: a colour picker beside the hex field ---------------------------

  var hex = /** @type {HTMLInputElement|null} */ (byId('b-accent'));
  var picker = /** @type {HTMLInputElement|null} */ (byId('b-accent-picker'));
  if (hex && picker) {
    var pick = picker;
    var field = hex;
    pick.hidden = false;
    // The picker has no name: it writes into the hex field, which the form sends.
    pick.addEventListener('input', function () { field.value = pick.value.slice(1); });
    field.addEventListener('input', function () {
      var m = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(field.value.trim());
      if (!m) return;
      var digits = m[1].toLowerCase();
      if (digits.length === 3) digits = digits.replace(/./g, '$&$&');
      pick.value = '#' + digits;
    });
  }

  // --- messages from the preview: its height (as the loader does), and its heights ---

  w.addEventListener('message', function (e) {
    var f = frame();
    var m = e.data;
    if (!f || e.source !== f.contentWindow || e.origin !== location.origin) return;
    if (!m || typeof m !== 'object') return;
    if (m.type === sw.message) {
      if (typeof m.height !== 'number' || !(m.height > 0)) return;
      f.style.height = Math.min(Math.max(Math.ceil(m.height), sw.min), sw.max) + 'px';
      stuck();
    } else if (m.type === sw.measured && fit) {
      // Only from the page the frame has loaded, of the widget as chosen now: not a late
      // answer of the page before, nor one asked for before a choice changed the widget.
      if (!loadedSrc || loadedSrc !== f.getAttribute('src') || askedAt !== changes) return;
      var value = heights(m.heights);
      if (value && value !== fit.value) {
        fit.value = value;
        schedule(0); // before the measuring ends, so that a waiting Copy waits for it
      }
      stopMeasuring(true);
    }
  });

  // --- the sticky preview must not hide the snippet that has the focus -------------

  function stuck() {
    var p = byId('b-preview');
    var h = p && w.getComputedStyle(p).position === 'sticky' ? p.offsetHeight + 24 : 0;
    d.documentElement.style.setProperty('--b-stuck', h + 'px');
    // A widget taller than the stage scrolls in it: then the stage takes the focus, so
    // that the keyboard can scroll it too.
    var stage = byId('b-stage');
    if (!stage) return;
    if (stage.scrollHeight > stage.clientHeight + 1) stage.tabIndex = 0;
    else stage.removeAttribute('tabindex');
  }
  w.addEventListener('resize', stuck);
  if (typeof ResizeObserver === 'function') {
    new ResizeObserver(stuck).observe(d.body);
  }

  // --- the language list: closed by Escape or a click elsewhere --------------------

  d.addEventListener('keydown', function (e) {
    if (e.key !== 'Escape') return;
    var open = /** @type {HTMLDetailsElement|null} */ (d.querySelector('.b-langs details[open]'));
    if (!open || !open.contains(d.activeElement)) return;
    open.open = false;
    var summary = /** @type {HTMLElement|null} */ (open.querySelector('summary'));
    if (summary) summary.focus();
  });
  d.addEventListener('click', function (e) {
    var open = /** @type {HTMLDetailsElement|null} */ (d.querySelector('.b-langs details[open]'));
    if (open && e.target instanceof Node && !open.contains(e.target)) open.open = false;
  });

  // --- wiring -------------------------------------------------------------------

  /** The first visible control the browser already knows is wrong, if any. */
  function firstInvalid() {
    var found = /** @type {HTMLInputElement|null} */ (null);
    Array.prototype.some.call(theForm.elements, function (/** @type {any} */ el) {
      if (el.willValidate && !el.closest('[hidden]') && !el.validity.valid) found = el;
      return found !== null;
    });
    return found;
  }

  /** A value the browser can check is not sent: the browser says what is wrong, beside
   * the field, and the snippets of the last good choices are hidden meanwhile.
   * @param {HTMLInputElement} el */
  function showInvalid(el) {
    var label = el.labels && el.labels[0] ? (el.labels[0].textContent || '').trim() : el.name;
    showProblem(label + ': ' + el.validationMessage);
    el.setAttribute('aria-invalid', 'true');
  }

  /** An alert above the form (text only), and no snippets that might be out of date.
   * @param {string} text */
  function showProblem(text) {
    var problem = byId('b-problem');
    if (!problem) return;
    var box = d.createElement('div');
    box.className = 'b-error';
    box.setAttribute('role', 'alert');
    var p = d.createElement('p');
    p.textContent = text;
    box.appendChild(p);
    problem.replaceChildren(box);
    sent['b-problem'] = '';
    shown = ''; // the page no longer shows any answer: the next good choice is asked for
    showResults(false);
  }

  /** @param {Event} e @param {boolean} typing */
  function changed(e, typing) {
    showChoices();
    theForm.querySelectorAll('[aria-invalid]').forEach(function (el) {
      el.removeAttribute('aria-invalid');
    });
    // The heights were measured of the widget as it was: any choice but its size on the
    // page changes the widget, which is measured again once the preview shows it.
    var source = /** @type {HTMLElement|null} */ (e.target instanceof HTMLElement ? e.target : null);
    if (source !== theForm && !(source && source.hasAttribute('data-keeps-fit'))) {
      changes += 1;
      if (fit) fit.value = '';
    }
    var wrong = firstInvalid();
    if (wrong) {
      w.clearTimeout(timer);
      timer = 0;
      // An answer still on its way is of choices the form no longer holds: it must not
      // bring back results (and snippets to copy) once a value is wrong.
      if (inflight) {
        inflight.controller.abort();
        inflight = null;
      }
      // While typing, a half-written colour or number waits for the next key.
      if (!typing) showInvalid(wrong);
      return;
    }
    schedule(typing ? DELAY : 0);
  }

  form.addEventListener('input', function (e) { changed(e, true); });
  form.addEventListener('change', function (e) { changed(e, false); });
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    changed(e, false);
  });

  var submit = byId('b-submit');
  if (submit) submit.hidden = true;
  showCopyButtons();
  showChoices();
  stuck();
  // The preview may have loaded before this script ran: then it is asked now.
  var first = frame();
  if (first) {
    var firstDoc = null;
    try { firstDoc = first.contentDocument; } catch (e) { firstDoc = null; }
    if (firstDoc && firstDoc.readyState === 'complete' && firstDoc.URL !== 'about:blank') {
      frameLoaded(first);
    } else {
      startMeasuring();
    }
  }
})(window, document);
