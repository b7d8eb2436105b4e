import { html } from '../sign-in/html.js';
import type { SignInMethod } from '../sign-in/sign-in-methods.js';
import { SIGN_IN_ASSETS } from '../sign-in/sign-in-assets.js';

// The authenticator app (Microsoft Authenticator) on the sign-in page (AAL2): the person's email
// address and the 6-digit code the app shows now. The page's script sends them to the service
// (POST /v1/oidc/interactions/:uid/totp) and goes on, or shows the problem in the error summary.

export const totpMethod: SignInMethod = {
  kind: 'microsoft-authenticator',
  aal: 2,
  label: 'Microsoft Authenticator',
  render(uid) {
    return {
      scripts: [SIGN_IN_ASSETS.totpScript],
      body: html`<div class="nhsuk-card" id="totp-sign-in">
  <div class="nhsuk-card__content">
    <h2 class="nhsuk-card__heading nhsuk-heading-m">Microsoft Authenticator</h2>
    <form id="totp-form" data-uid="${uid}" novalidate>
      <div class="nhsuk-form-group" id="totp-email-group">
        <label class="nhsuk-label" for="totp-email">Email address</label>
        <input class="nhsuk-input" id="totp-email" name="email" type="email" autocomplete="username" spellcheck="false">
      </div>
      <div class="nhsuk-form-group" id="totp-code-group">
        <label class="nhsuk-label" for="totp-code">Code from the app</label>
        <div class="nhsuk-hint" id="totp-code-hint">The 6-digit code Microsoft Authenticator shows now</div>
        <input class="nhsuk-input nhsuk-input--width-10" id="totp-code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" aria-describedby="totp-code-hint" maxlength="6">
      </div>
      <button class="nhsuk-button" type="submit">Sign in with the code</button>
    </form>
    <noscript><p class="nhsuk-body">Signing in with a code needs JavaScript. Turn it on in your browser, then reload this page.</p></noscript>
  </div>
</div>`,
    };
  },
};
