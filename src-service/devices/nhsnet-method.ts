import { html } from '../sign-in/html.js';
import type { SignInMethod } from '../sign-in/sign-in-methods.js';
import { NHSNET_PATHS } from './nhsnet-connect.js';

// NHS.net Connect on the sign-in page (AAL2), when the service has an upstream provider set up:
// a button that takes the browser there and back.

export const nhsnetMethod: SignInMethod = {
  kind: 'nhsnet-connect',
  aal: 2,
  label: 'NHS.net Connect',
  render(uid, { ctx }) {
    if (!ctx.config.nhsnetConnect) return { body: html`` };
    return {
      body: html`<div class="nhsuk-card" id="nhsnet-sign-in">
  <div class="nhsuk-card__content">
    <h2 class="nhsuk-card__heading nhsuk-heading-m">NHS.net Connect</h2>
    <p class="nhsuk-body">Sign in with your NHS.net account, if it is linked to your Care Identity profile.</p>
    <a class="nhsuk-button nhsuk-button--secondary" href="${NHSNET_PATHS.signIn.replace(':uid', encodeURIComponent(uid))}">Sign in with NHS.net Connect</a>
  </div>
</div>`,
    };
  },
};
