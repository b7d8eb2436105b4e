import { bridgeUrlOf, DEFAULT_BRIDGE_PORT } from '../../src-shared/api/agent-bridge.js';
import type { ServiceContext } from '../service-context.js';
import { html } from './html.js';
import type { SignInMethod } from './sign-in-methods.js';
import { SIGN_IN_ASSETS } from './sign-in-assets.js';
import { mintSignInTicket } from './smartcard-tickets.js';

// The smartcard, through the Identity Agent on this computer (AAL3). The page carries a fresh
// one-use ticket for this interaction; its script hands it to the agent's bridge, which redeems
// it at the service with the card's session. Until the agent has a session the page says what
// to do (insert the card, unlock the agent) and asks again every second.

/** Where this service's pages find the agent's bridge: its own agent's, configured, or the default port. */
export const agentBridgeUrlOf = (ctx: ServiceContext): string => ctx.agentBridgeUrl ?? ctx.config.agentBridgeUrl?.replace(/\/+$/, '') ?? bridgeUrlOf(DEFAULT_BRIDGE_PORT);

export const smartcardMethod: SignInMethod = {
  kind: 'smartcard',
  aal: 3,
  label: 'Smartcard',
  async render(uid, { ctx }) {
    const ticket = await mintSignInTicket(ctx.db, uid, ctx.now().getTime());
    return {
      scripts: [SIGN_IN_ASSETS.smartcardScript],
      body: html`<div class="nhsuk-card" id="smartcard-sign-in" data-bridge="${agentBridgeUrlOf(ctx)}" data-uid="${uid}" data-ticket="${ticket}">
  <div class="nhsuk-card__content">
    <h2 class="nhsuk-card__heading nhsuk-heading-m">Smartcard</h2>
    <p class="nhsuk-body" id="smartcard-status" role="status" aria-live="polite">Checking for your smartcard in the Identity Agent…</p>
    <button type="button" class="nhsuk-button nhsuk-button--secondary" id="smartcard-retry" hidden>Try again</button>
    <noscript><p class="nhsuk-body">Signing in with a smartcard needs JavaScript. Turn it on in your browser, then reload this page.</p></noscript>
  </div>
</div>`,
    };
  },
};
