import { requiredAalOf } from '../oidc/finish-sign-in.js';
import { html } from '../sign-in/html.js';
import type { SignInMethod } from '../sign-in/sign-in-methods.js';
import { ASSETS, SIMPLEWEBAUTHN_SCRIPT } from './page-assets.js';
import { webauthnSignInOptions } from './webauthn-sign-in.js';

// The sign-in page's security key, passkey and Windows Hello method. It can reach AAL3 (an
// attested hardware key, webauthn-aal.ts), so the registry lists it at 3; but for an app that
// needs AAL3 it is shown only when the app named the user and they hold such a key: otherwise
// the smartcard is the only way, as the page says.

export const WEBAUTHN_SIGN_IN_SCRIPT = 'webauthn-sign-in.js';

export const webauthnMethod: SignInMethod = {
  kind: 'security-key',
  aal: 3,
  label: 'Security key, passkey or Windows Hello',
  async render(uid, { ctx, requiredAal }) {
    const { userHint } = await requiredAalOf(ctx, uid);
    const options = await webauthnSignInOptions(ctx, uid, requiredAal, userHint);
    const offered = Array.isArray(options['allowCredentials']) ? options['allowCredentials'].length : 0;
    if (requiredAal === 3 && offered === 0) return { body: html`` };
    return {
      scripts: [SIMPLEWEBAUTHN_SCRIPT, `${ASSETS}/${WEBAUTHN_SIGN_IN_SCRIPT}`],
      body: html`<div class="nhsuk-card" id="webauthn-sign-in" data-uid="${uid}" data-options="${JSON.stringify(options)}">
  <div class="nhsuk-card__content">
    <h2 class="nhsuk-card__heading nhsuk-heading-m">Security key, passkey or Windows Hello</h2>
    <p class="nhsuk-body">Use a security key, a passkey on your phone, or Windows Hello on this computer, if one has been added to your profile.</p>
    <p class="nhsuk-body" id="webauthn-status" role="status" aria-live="polite"></p>
    <button type="button" class="nhsuk-button nhsuk-button--secondary" id="webauthn-sign-in-button">Sign in with a security key, passkey or Windows Hello</button>
    <noscript><p class="nhsuk-body">This needs JavaScript. Turn it on in your browser, then reload this page.</p></noscript>
  </div>
</div>`,
    };
  },
};

/** The method's script: the browser's WebAuthn dialog for the page's challenge, then on to the app. */
export const WEBAUTHN_SIGN_IN_SOURCE = `'use strict';
(function () {
  var section = document.getElementById('webauthn-sign-in');
  if (!section) return;
  var button = document.getElementById('webauthn-sign-in-button');
  var status = document.getElementById('webauthn-status');
  var summary = document.getElementById('error-summary');
  var summaryList = document.getElementById('error-summary-list');
  function problem(text) {
    status.textContent = '';
    if (!summary || !summaryList) { status.textContent = text; return; }
    summaryList.textContent = '';
    var item = document.createElement('li');
    var link = document.createElement('a');
    link.href = '#webauthn-sign-in-button';
    link.textContent = text;
    item.appendChild(link);
    summaryList.appendChild(item);
    summary.hidden = false;
    summary.focus();
  }
  button.addEventListener('click', function () {
    var lib = window.SimpleWebAuthnBrowser;
    if (!lib || !lib.browserSupportsWebAuthn()) { problem('This browser cannot use security keys, passkeys or Windows Hello. Use an up-to-date browser.'); return; }
    button.disabled = true;
    status.textContent = 'Follow your browser\\'s instructions to use your security key, passkey or Windows Hello.';
    lib.startAuthentication({ optionsJSON: JSON.parse(section.getAttribute('data-options')) })
      .then(function (credential) {
        status.textContent = 'Checking…';
        return fetch('/v1/oidc/webauthn-sign-in', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ uid: section.getAttribute('data-uid'), credential: credential }), credentials: 'same-origin' });
      })
      .then(function (res) {
        return res.json().catch(function () { return {}; }).then(function (answer) {
          if (!res.ok) throw new Error(answer.message || 'The identity service had a problem. Try again.');
          status.textContent = 'Signed in. Returning to the app…';
          window.location.assign(answer.redirectTo);
        });
      })
      .catch(function (err) {
        button.disabled = false;
        if (err && err.name === 'NotAllowedError') problem('Signing in was cancelled or took too long. Reload the page to try again.');
        else problem(err && err.message ? err.message : 'Your security key, passkey or Windows Hello could not sign you in.');
      });
  });
})();
`;
