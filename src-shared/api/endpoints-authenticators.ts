import { endpoint } from './endpoint.js';
import {
  AuthenticatorEnrolment,
  AuthenticatorParams,
  RemoveAuthenticatorBody,
  RemovedAuthenticator,
  StartEnrolmentBody,
  UserAuthenticators,
  WebauthnRegistered,
  WebauthnRegistrationOptions,
  WebauthnRegistrationOptionsBody,
  WebauthnRegistrationVerifyBody,
  WebauthnSignInBody,
  WebauthnSignInResponse,
} from './cim-authenticators.js';
import { UserUuidParams } from './service-cim.js';

// Authenticators: the CIM list, enrolment start and removal (role and scope checked in the
// service: self-register-authenticator on one's own profile, manage-authenticators for others,
// manage-ipad-authenticators for an iPad), and the calls of the registration page the one-time
// link opens (no session: the link's token is the credential, once).

const cim = { tag: 'cim', auth: 'session', viaAgent: true } as const;

export const AUTHENTICATORS_ENDPOINTS = {
  userAuthenticators: endpoint({
    ...cim,
    method: 'GET',
    path: '/v1/users/:uuid/authenticators',
    summary: "A user's authenticators other than the smartcard, and the kinds you may add for them",
    params: UserUuidParams,
    response: UserAuthenticators,
  }),
  startAuthenticatorEnrolment: endpoint({
    ...cim,
    method: 'POST',
    path: '/v1/users/:uuid/authenticator-enrolments',
    summary: 'Start adding an authenticator: a one-time link (a service page, or a QR code for a device) that expires',
    status: 201,
    params: UserUuidParams,
    body: StartEnrolmentBody,
    response: AuthenticatorEnrolment,
  }),
  removeAuthenticator: endpoint({
    ...cim,
    method: 'POST',
    path: '/v1/users/:uuid/authenticators/:authenticatorId/remove',
    summary: "Remove one of a user's authenticators (confirmation required); it can no longer sign in",
    params: AuthenticatorParams,
    body: RemoveAuthenticatorBody,
    response: RemovedAuthenticator,
  }),
  webauthnRegistrationOptions: endpoint({
    method: 'POST',
    path: '/v1/authenticator-enrolments/webauthn/options',
    summary: 'The registration page: options for navigator.credentials.create for the one-time link',
    tag: 'authenticators',
    auth: 'none',
    body: WebauthnRegistrationOptionsBody,
    response: WebauthnRegistrationOptions,
  }),
  webauthnRegistrationVerify: endpoint({
    method: 'POST',
    path: '/v1/authenticator-enrolments/webauthn/verify',
    summary: 'The registration page: check the new credential (challenge, origin, attestation) and add it; the link is then used',
    tag: 'authenticators',
    auth: 'none',
    status: 201,
    body: WebauthnRegistrationVerifyBody,
    response: WebauthnRegistered,
  }),
  webauthnSignIn: endpoint({
    method: 'POST',
    path: '/v1/oidc/webauthn-sign-in',
    summary: "The sign-in page: a security key, passkey or Windows Hello answers the page's challenge; the app's sign-in finishes at the authenticator's level",
    tag: 'oidc',
    auth: 'none',
    body: WebauthnSignInBody,
    response: WebauthnSignInResponse,
  }),
} as const;
