// Holdspace's page script. Loaded with <script src defer>: our CSP allows no
// inline scripts. Plain ES2017, no dependencies.
(function () {
  'use strict';

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute('content') : '';
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
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
