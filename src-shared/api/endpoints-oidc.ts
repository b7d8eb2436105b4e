import { BridgeSignInRequest, SmartcardSignInResponse } from './agent-bridge.js';
import { endpoint } from './endpoint.js';

// Sign-in for other apps: the Identity Agent redeems the one-use ticket of a sign-in page with
// its session, and the provider's interaction finishes at AAL3 (the design: agent-bridge.ts).

export const OIDC_ENDPOINTS = {
  smartcardSignIn: endpoint({
    method: 'POST',
    path: '/v1/oidc/smartcard-sign-in',
    summary: "Sign the session's holder in to an app with the smartcard: the sign-in page's one-use ticket (2 minutes), redeemed by the agent holding the session",
    tag: 'oidc',
    auth: 'session',
    body: BridgeSignInRequest,
    response: SmartcardSignInResponse,
  }),
} as const;
