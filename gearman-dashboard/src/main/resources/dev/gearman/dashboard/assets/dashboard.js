// The dashboard's only script: refreshes the parts of a page marked data-live in place every refresh interval (one
// GET of the page, parsed, the marked elements swapped), while the tab is visible; asks before buttons marked
// data-confirm. Everything else is plain HTML: forms and links work without it.
(function () {
  'use strict';

  document.addEventListener('submit', function (event) {
    var question = event.target.getAttribute('data-confirm');
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  var interval = parseInt(document.body.getAttribute('data-refresh'), 10);
  var status = document.getElementById('live-status');
  if (!interval || !document.querySelector('[data-live]')) {
    return;
  }
  var busy = false;

  function show(state, text) {
    if (status) {
      status.className = 'live-status ' + state;
      status.textContent = text;
    }
  }

  function refresh() {
    if (busy || document.hidden) {
      return;
    }
    busy = true;
    // no X-Requested-With: XMLHttpRequest, which would get a Basic challenge (and a browser prompt) once signed out
    fetch(window.location.pathname + window.location.search,
        { credentials: 'same-origin', cache: 'no-store', headers: { 'X-Dashboard-Refresh': '1' } })
      .then(function (response) {
        if (response.redirected) {
          throw new Error('signed out, reload the page');
        }
        if (!response.ok) {
          throw new Error('HTTP ' + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, 'text/html');
        document.querySelectorAll('[data-live]').forEach(function (old) {
          var replacement = old.id ? fresh.getElementById(old.id) : null;
          if (replacement) {
            old.replaceWith(document.importNode(replacement, true));
          }
        });
        show('ok', 'live · ' + new Date().toLocaleTimeString());
      })
      .catch(function (failure) {
        show('stale', 'not updated: ' + failure.message);
      })
      .then(function () {
        busy = false;
      });
  }

  show('ok', 'live');
  window.setInterval(refresh, interval);
}());
