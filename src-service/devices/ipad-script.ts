// The sign-in page's iPad script, served as a file from the service's own origin (the page's CSP
// allows scripts from 'self' only). It asks the service every two seconds whether the iPad has
// signed this page's link; signed in: the browser goes on; expired: it says so. Plain ES2020.

export const IPAD_SCRIPT = String.raw`'use strict';
(function () {
  var box = document.getElementById('ipad-sign-in');
  if (!box) return;
  var status = document.getElementById('ipad-status');
  var url = '/v1/oidc/interactions/' + encodeURIComponent(box.getAttribute('data-uid')) + '/ipad/state';
  var request = JSON.stringify({ pollToken: box.getAttribute('data-poll') });
  function say(text) {
    if (status.textContent !== text) status.textContent = text;
  }
  function ask() {
    fetch(url, { method: 'POST', credentials: 'omit', cache: 'no-store', headers: { 'content-type': 'application/json' }, body: request })
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        if (answer.state === 'signed-in') {
          say('Signed in. Taking you back to the app…');
          window.location.assign(answer.redirectTo);
        } else if (answer.state === 'expired') {
          say('This QR code has expired. Reload the page for a new one.');
        } else if (answer.state === 'waiting') {
          setTimeout(ask, 2000);
        } else {
          say(answer.message || 'Signing in with the iPad did not work. Go back to the app and sign in again.');
        }
      })
      .catch(function () {
        setTimeout(ask, 4000);
      });
  }
  setTimeout(ask, 2000);
})();
`;
