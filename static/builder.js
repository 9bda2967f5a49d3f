// @ts-check
/* Solidarity Widget builder: makes the GET form at / live. The server stays the one
 * place that knows what a snippet is: on every change this script asks / for the new
 * choices, and moves the preview and the snippets of the answer into the page. It also
 * keeps the address in step (history.replaceState), so a builder state can be shared,
 * and copies snippets. Nothing is stored, nothing leaves this service. */
(function (w, d) {
  'use strict';
  var form = /** @type {HTMLFormElement|null} */ (d.getElementById('b-form'));
  if (!form || form.dataset.live) return;
  form.dataset.live = '1';
  var theForm = form;
  var status = /** @type {HTMLElement} */ (d.getElementById('b-status'));
  var DELAY = 250;
  // Clamps and the height message, written in by the service (widget/render/frames.py).
  var sw = __SW_FRAME__;
  var timer = 0;
  /** @type {AbortController|null} */
  var pending = null;

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

  function update() {
    var q = query();
    if (pending) pending.abort();
    var controller = new AbortController();
    pending = controller;
    fetch('/' + (q ? '?' + q : ''), { signal: controller.signal, credentials: 'omit' })
      .then(function (r) {
        return r.text().then(function (text) { return { ok: r.ok, text: text }; });
      })
      .then(function (answer) {
        if (pending !== controller) return;
        pending = null;
        apply(new DOMParser().parseFromString(answer.text, 'text/html'), answer.ok);
      })
      .catch(function (/** @type {any} */ e) {
        if (e && e.name === 'AbortError') return;
        showProblem(status.dataset.failed || '');
      });
  }

  /** @param {Element|null} el @param {string} name */
  function attr(el, name) { return el ? el.getAttribute(name) : null; }

  /** Moves the new page's element with the same id into this page.
   * @param {Document} doc @param {string} id */
  function take(doc, id) {
    var now = byId(id);
    var next = doc.getElementById(id);
    if (now && next) now.replaceWith(d.adoptNode(next));
  }

  /** The preview: a frame or a badge is updated in place, and a frame only reloads
   * when it is to show another page.
   * @param {Document} doc */
  function preview(doc) {
    var stage = byId('b-stage');
    var next = doc.getElementById('b-stage');
    var shown = stage && stage.firstElementChild;
    var wanted = next && next.firstElementChild;
    if (!stage || !next || !shown || !wanted || shown.tagName !== wanted.tagName) {
      if (stage && next) stage.replaceWith(d.adoptNode(next));
      return;
    }
    var now = shown;
    var src = attr(wanted, 'src');
    ['title', 'alt', 'width', 'height'].forEach(function (name) {
      var value = attr(wanted, name);
      if (value === null) now.removeAttribute(name);
      else if (value !== now.getAttribute(name)) now.setAttribute(name, value);
    });
    if (src !== null && src !== now.getAttribute('src')) {
      if (now instanceof HTMLIFrameElement) now.style.height = '';
      now.setAttribute('src', src);
    }
  }

  /** @param {Document} doc @param {boolean} ok */
  function apply(doc, ok) {
    take(doc, 'b-problem');
    take(doc, 'b-langs');
    take(doc, 'b-height-hint');
    var results = byId('b-results');
    if (!results) return;
    if (!ok) {
      // A wrong choice: the message above says which; old snippets must not be copied.
      results.hidden = true;
      return;
    }
    if (results.hidden || !byId('b-stage')) {
      take(doc, 'b-results');
    } else {
      preview(doc);
      take(doc, 'b-snippets');
    }
    showCopyButtons();
    var nextForm = /** @type {HTMLFormElement|null} */ (doc.getElementById('b-form'));
    var state = nextForm ? nextForm.dataset.state || '' : '';
    theForm.dataset.state = state;
    w.history.replaceState(null, '', location.pathname + state);
  }

  function showCopyButtons() {
    d.querySelectorAll('.b-copy').forEach(function (b) { /** @type {HTMLElement} */ (b).hidden = false; });
  }

  // --- copying ------------------------------------------------------------------

  /** @param {HTMLButtonElement} button */
  function copied(button) {
    say(status.dataset.copied);
    var text = /** @type {HTMLElement|null} */ (button.querySelector('.b-copy-text'));
    if (!text) return;
    var shown = text;
    var label = shown.dataset.label || shown.textContent || '';
    shown.dataset.label = label;
    shown.textContent = status.dataset.copied || label;
    w.clearTimeout(+(shown.dataset.timer || 0));
    shown.dataset.timer = String(w.setTimeout(function () { shown.textContent = label; }, 2000));
  }

  /** Without the Clipboard API: select the text, and let the browser copy it if it can.
   * @param {HTMLTextAreaElement} area @param {HTMLButtonElement} button */
  function fallback(area, button) {
    area.focus();
    area.select();
    var ok = false;
    try { ok = d.execCommand('copy'); } catch (e) { ok = false; }
    if (ok) copied(button);
    else say(status.dataset.selected);
  }

  d.addEventListener('click', function (e) {
    var target = e.target instanceof Element ? e.target.closest('.b-copy') : null;
    if (!target) return;
    var button = /** @type {HTMLButtonElement} */ (target);
    var area = /** @type {HTMLTextAreaElement|null} */ (byId(button.dataset.copy || ''));
    if (!area) return;
    var clip = navigator.clipboard;
    if (clip && clip.writeText) {
      clip.writeText(area.value).then(function () { copied(button); },
        // NOTE: `area` was checked above, but a closure does not keep the narrowing.
        function () { fallback(/** @type {HTMLTextAreaElement} */ (area), button); });
    } else {
      fallback(area, button);
    }
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

  // --- the preview's height, from the widget inside (as the loader does) ------------

  w.addEventListener('message', function (e) {
    var frame = /** @type {HTMLIFrameElement|null} */ (byId('b-preview-frame'));
    var m = e.data;
    if (!frame || e.source !== frame.contentWindow || e.origin !== location.origin) return;
    if (!m || typeof m !== 'object' || m.type !== sw.message) return;
    if (typeof m.height !== 'number' || !(m.height > 0)) return;
    frame.style.height = Math.min(Math.max(Math.ceil(m.height), sw.min), sw.max) + 'px';
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
    var results = byId('b-results');
    if (!problem) return;
    var box = d.createElement('div');
    box.className = 'b-error';
    box.setAttribute('role', 'alert');
    var p = d.createElement('p');
    p.textContent = text;
    box.appendChild(p);
    problem.replaceChildren(box);
    if (results) results.hidden = true;
  }

  /** @param {boolean} typing */
  function changed(typing) {
    showChoices();
    theForm.querySelectorAll('[aria-invalid]').forEach(function (el) {
      el.removeAttribute('aria-invalid');
    });
    var wrong = firstInvalid();
    if (wrong) {
      // While typing, a half-written colour or number waits for the next key.
      if (!typing) showInvalid(wrong);
      return;
    }
    schedule(typing ? DELAY : 0);
  }

  form.addEventListener('input', function () { changed(true); });
  form.addEventListener('change', function () { changed(false); });
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    changed(false);
  });

  var submit = byId('b-submit');
  if (submit) submit.hidden = true;
  showCopyButtons();
  showChoices();
})(window, document);
