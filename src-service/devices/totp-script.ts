// The sign-in page's authenticator app script (served from the service's own origin): sends the
// email address and code, then goes where the service says, or shows its words in the error
// summary (linked to the field it is about) and gives focus to the summary. Plain ES2020.

export const TOTP_SCRIPT = String.raw`'use strict';
(function () {
  var form = document.getElementById('totp-form');
  if (!form) return;
  var summary = document.getElementById('error-summary');
  var summaryList = document.getElementById('error-summary-list');
  var url = '/v1/oidc/interactions/' + encodeURIComponent(form.getAttribute('data-uid')) + '/totp';
  function fail(text, field) {
    summaryList.textContent = '';
    var item = document.createElement('li');
    var link = document.createElement('a');
    link.href = '#' + field;
    link.textContent = text;
    item.appendChild(link);
    summaryList.appendChild(item);
    summary.hidden = false;
    summary.focus();
  }
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var email = document.getElementById('totp-email').value.trim();
    var code = document.getElementById('totp-code').value.replace(/\s/g, '');
    if (!email) return fail('Enter your email address', 'totp-email');
    if (!/^\d{6}$/.test(code)) return fail('Enter the 6-digit code from the app', 'totp-code');
    fetch(url, { method: 'POST', credentials: 'omit', cache: 'no-store', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: email, code: code }) })
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        if (answer.redirectTo) window.location.assign(answer.redirectTo);
        else fail(answer.message || 'Signing in with the code did not work. Try again.', 'totp-code');
      })
      .catch(function () {
        fail('The service is not answering. Try again in a moment.', 'totp-code');
      });
  });
})();
`;
