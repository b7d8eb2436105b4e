import { BRIDGE_SIGN_IN_PATH } from '../../src-shared/api/agent-bridge.js';

// The sign-in page's smartcard script, served as a file from the service's own origin (the page's
// CSP allows scripts from 'self' only, nothing inline). It asks the Identity Agent's bridge with
// the page's ticket; without a session (or with a locked one) it says what to do and asks again
// every second; an agent that does not answer is asked again every two seconds. Plain ES2020,
// no modules: it runs in whatever browser the app opened.

export const SMARTCARD_SCRIPT = String.raw`'use strict';
(function () {
  var box = document.getElementById('smartcard-sign-in');
  if (!box) return;
  var status = document.getElementById('smartcard-status');
  var retry = document.getElementById('smartcard-retry');
  var summary = document.getElementById('error-summary');
  var summaryList = document.getElementById('error-summary-list');
  var url = box.getAttribute('data-bridge') + '${BRIDGE_SIGN_IN_PATH}';
  var request = JSON.stringify({ uid: box.getAttribute('data-uid'), ticket: box.getAttribute('data-ticket') });
  var timer = null;
  var said = '';

  function say(text) {
    if (text === said) return;
    said = text;
    status.textContent = text;
  }
  function fail(text) {
    say(text);
    if (summary && summaryList) {
      summaryList.textContent = '';
      var item = document.createElement('li');
      var link = document.createElement('a');
      link.href = '#smartcard-sign-in';
      link.textContent = text;
      item.appendChild(link);
      summaryList.appendChild(item);
      summary.hidden = false;
      summary.focus();
    }
    retry.hidden = false;
  }
  function later(ms) {
    timer = setTimeout(ask, ms);
  }
  function ask() {
    timer = null;
    fetch(url, { method: 'POST', mode: 'cors', credentials: 'omit', cache: 'no-store', headers: { 'content-type': 'application/json' }, body: request })
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        if (answer.outcome === 'signed-in') {
          say('Signed in. Taking you back to the app…');
          window.location.assign(answer.redirectTo);
        } else if (answer.outcome === 'no-session') {
          say('Insert your smartcard and enter your passcode in the Identity Agent.');
          later(1000);
        } else if (answer.outcome === 'locked') {
          say('Your session is locked. Unlock the Identity Agent first: insert your smartcard and enter your passcode.');
          later(1000);
        } else {
          fail(answer.message || 'The Identity Agent could not sign you in. Go back to the app and sign in again.');
        }
      })
      .catch(function () {
        say('The Identity Agent is not answering on this computer. Start the Identity Agent, then wait: this page will carry on.');
        later(2000);
      });
  }
  retry.addEventListener('click', function () {
    window.location.reload();
  });
  ask();
})();
`;
