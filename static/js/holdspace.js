// Holdspace's page script. Loaded with <script src defer>: our CSP allows no
// inline scripts (nor inline styles: nothing here writes a style attribute).
// Plain ES2017, no dependencies.
(function () {
  'use strict';

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute('content') : '';
  }

  // focusOn moves the focus to el, making it focusable first if it is not (an alert).
  function focusOn(el) {
    if (!el) return false;
    if (!el.matches('a[href], button, input, select, textarea, [tabindex]')) {
      el.setAttribute('tabindex', '-1');
    }
    el.focus();
    return true;
  }

  // first returns the first element of root (root included) matching sel.
  function first(root, sel) {
    if (root.matches && root.matches(sel)) return root;
    return root.querySelector(sel);
  }

  // focusOutcome puts the focus on what a form's answer says: the error summary, else the
  // first field in error, else an error alert, else the success message. One place for every
  // htmx form (settings, funders, agencies, invitations, sessions …).
  function focusOutcome(root) {
    return focusOn(first(root, '.hs-error-summary')) ||
      focusOn(first(root, '[aria-invalid="true"]')) ||
      focusOn(first(root, '.usa-alert--error')) ||
      focusOn(first(root, '.usa-alert--success, .usa-alert[role="status"]'));
  }

  // A character count (USWDS's usa-character-count) under every long text field with a
  // limit, so text typed or pasted over the limit is not cut silently: the field keeps it,
  // the count says how many characters are over, and the server refuses it with a message.
  // The markup and classes are USWDS's; USWDS's own input listener (on the body) keeps the
  // count up to date. We enhance here, rather than in each template, and also in content
  // htmx swaps in (USWDS enhances only what is there when the page loads).
  function countMessage(len, max) {
    if (len === 0) return max + ' characters allowed';
    var diff = Math.abs(max - len);
    return diff + ' character' + (diff === 1 ? '' : 's') + ' ' + (len > max ? 'over limit' : 'left');
  }

  function addCharacterCounts(root) {
    var fields = root.querySelectorAll('textarea[maxlength]');
    Array.prototype.forEach.call(fields, function (field) {
      if (field.dataset.enhanced) return;
      var max = parseInt(field.getAttribute('maxlength'), 10);
      if (!max || !field.id) return;
      var group = field.closest('.usa-form-group');
      if (!group) {
        group = document.createElement('div');
        field.parentNode.insertBefore(group, field);
        group.appendChild(field);
      }
      group.classList.add('usa-character-count');
      field.classList.add('usa-character-count__field');
      var info = document.createElement('span');
      info.id = field.id + '-count';
      info.className = 'usa-character-count__message usa-sr-only';
      info.textContent = 'You can enter up to ' + max + ' characters';
      field.insertAdjacentElement('afterend', info);
      var described = field.getAttribute('aria-describedby');
      field.setAttribute('aria-describedby', (described ? described + ' ' : '') + info.id);
      // What USWDS's enhancement does: the limit moves to data-maxlength (so the browser
      // no longer cuts), and a visible and a spoken status follow the field.
      field.removeAttribute('maxlength');
      group.setAttribute('data-maxlength', String(max));
      var text = countMessage(field.value.length, max);
      var status = document.createElement('div');
      status.className = 'usa-character-count__status usa-hint';
      status.setAttribute('aria-hidden', 'true');
      status.textContent = text;
      var srStatus = document.createElement('div');
      srStatus.className = 'usa-character-count__sr-status usa-sr-only';
      srStatus.textContent = text;
      group.append(status, srStatus);
      window.setTimeout(function () { srStatus.setAttribute('aria-live', 'polite'); }, 100);
      var over = field.value.length > max;
      field.dataset.characterCountOverLimit = over ? 'true' : 'false';
      if (over) {
        status.classList.add('usa-character-count__status--invalid');
        field.classList.add('usa-input--error');
      }
      field.dataset.enhanced = 'true';
    });
  }

  function init() {
    // (a) Send the CSRF token with every htmx request.
    document.body.addEventListener('htmx:configRequest', function (e) {
      var token = csrfToken();
      if (token) e.detail.headers['X-CSRF-Token'] = token;
    });

    // (b) Ask before submitting a form marked data-confirm="Question?".
    // Capture phase, so a "no" also stops htmx's hx-post on the form.
    document.addEventListener('submit', function (e) {
      var form = e.target;
      var message = form.getAttribute('data-confirm') ||
        (e.submitter && e.submitter.getAttribute('data-confirm'));
      if (message && !window.confirm(message)) {
        e.preventDefault();
        e.stopImmediatePropagation();
      }
    }, true);

    // (c) After an htmx form post settles, the focus goes to its outcome, not to the top of
    // the page. Once per request (afterSettle fires for each settled element).
    // The request's target is where the answer went; an outerHTML swap replaced it, so its
    // twin is found by id.
    // Right after the swap (the focused button is gone: the focus would sit on the body until
    // the settle), and again once it has settled (htmx then focuses any autofocus field).
    function swapRoot(e) {
      var d = e.detail || {};
      var target = d.target;
      if (target && !target.isConnected) target = target.id ? document.getElementById(target.id) : null;
      return target || (e.target && e.target.isConnected ? e.target : null) ||
        document.getElementById('main-content');
    }
    function isPost(e) {
      var d = e.detail || {};
      return ((d.requestConfig && d.requestConfig.verb) || 'get').toLowerCase() !== 'get';
    }
    var handled = new WeakSet();
    document.body.addEventListener('htmx:afterSwap', function (e) {
      var root = swapRoot(e);
      if (root && isPost(e)) focusOutcome(root);
    });
    document.body.addEventListener('htmx:afterSettle', function (e) {
      var d = e.detail || {};
      var root = swapRoot(e);
      if (!root) return;
      addCharacterCounts(root);
      if (!isPost(e) || (d.xhr && handled.has(d.xhr))) return;
      if (focusOutcome(root) && d.xhr) handled.add(d.xhr);
    });

    // (d) A message left by the last action (the flash after a redirect) takes the focus.
    var flash = document.getElementById('hs-flash');
    if (flash) focusOn(flash);

    // (e) The error summary's links take the focus to their field (by the link's id, else by
    // the field's name in the form below the summary).
    document.addEventListener('click', function (e) {
      var link = e.target.closest && e.target.closest('.hs-error-summary a[data-field]');
      if (!link) return;
      var target = document.getElementById(link.getAttribute('href').slice(1));
      if (!target) {
        var name = link.getAttribute('data-field').replace(/["\\]/g, '');
        var scope = link.closest('.hs-error-summary').parentElement || document;
        target = scope.querySelector('[name="' + name + '"]') || document.querySelector('[name="' + name + '"]');
      }
      if (!target) return;
      e.preventDefault();
      var label = document.querySelector('label[for="' + target.id + '"]') || target;
      label.scrollIntoView();
      target.focus({ preventScroll: true });
    });

    addCharacterCounts(document);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
