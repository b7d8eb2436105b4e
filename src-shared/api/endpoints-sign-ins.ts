import { z } from 'zod';
import { endpoint } from './endpoint.js';
import { SignedInApp } from './oidc.js';

// "Signed in to": the apps the workstation session signed in to with its smartcard (OpenID
// Connect sign-ins the provider recorded for this session), and signing out of one of them. Only
// the agent calls these, with the session it holds (agent channels signIns.list / signIns.signOut);
// a session sees and ends its own sign-ins and no one else's.

export const SessionSignIns = z.strictObject({ apps: z.array(SignedInApp) });
export type SessionSignIns = z.infer<typeof SessionSignIns>;

const SignInParams = z.strictObject({ signInId: z.coerce.number().int().positive() });

const session = { tag: 'sign-ins', auth: 'session' } as const;

export const SIGN_INS_ENDPOINTS = {
  currentSignIns: endpoint({
    ...session,
    method: 'GET',
    path: '/v1/sessions/current/sign-ins',
    summary: 'The apps this workstation session is signed in to (not ended), oldest first',
    response: SessionSignIns,
  }),
  signOutOfApp: endpoint({
    ...session,
    method: 'POST',
    path: '/v1/sessions/current/sign-ins/:signInId/sign-out',
    summary: "Signs this session out of one app (the app is sent a back-channel logout token); answers the apps left",
    params: SignInParams,
    response: SessionSignIns,
  }),
} as const;
