import { Html, html } from '../sign-in/html.js';
import type { SignInMethod } from '../sign-in/sign-in-methods.js';
import { SIGN_IN_ASSETS } from '../sign-in/sign-in-assets.js';
import { createIpadSignIn } from './ipad-sign-in.js';
import { signInFinisher } from './sign-in-finisher.js';

// The iPad (NHS CIS2 app) on the sign-in page (AAL3): a one-time sign-in link for this
// interaction, as a QR code and as text for those who cannot scan. The page's script asks the
// service every two seconds whether the iPad has signed; when it has, the browser goes on.

export const ipadMethod: SignInMethod = {
  kind: 'ipad',
  aal: 3,
  label: 'iPad',
  async render(uid, { ctx }) {
    const link = await createIpadSignIn(ctx, signInFinisher, uid);
    return {
      scripts: [SIGN_IN_ASSETS.ipadScript],
      body: html`<div class="nhsuk-card" id="ipad-sign-in" data-uid="${uid}" data-poll="${link.pollToken}">
  <div class="nhsuk-card__content">
    <h2 class="nhsuk-card__heading nhsuk-heading-m">iPad</h2>
    <p class="nhsuk-body">Open the NHS CIS2 app on your registered iPad and scan this QR code. It works once, for 5 minutes.</p>
    <div class="app-qr-code" role="img" aria-label="QR code to sign in with your iPad">${new Html(link.qrSvg)}</div>
    <details class="nhsuk-details">
      <summary class="nhsuk-details__summary"><span class="nhsuk-details__summary-text">I cannot scan the QR code</span></summary>
      <div class="nhsuk-details__text"><p>Open this link in the NHS CIS2 app instead:</p><p id="ipad-sign-in-link">${link.link}</p></div>
    </details>
    <p class="nhsuk-body" id="ipad-status" role="status" aria-live="polite">Waiting for your iPad…</p>
    <noscript><p class="nhsuk-body">Signing in with an iPad needs JavaScript. Turn it on in your browser, then reload this page.</p></noscript>
  </div>
</div>`,
    };
  },
};
