import { endpoint } from './endpoint.js';
import {
  DeviceChallenge,
  DeviceLink,
  DeviceRegistered,
  DeviceRegistrationBody,
  DeviceSignedIn,
  DeviceSignInBody,
  DeviceTokenBody,
  IpadSignInLink,
  IpadSignInParams,
  IpadSignInPollBody,
  IpadSignInState,
  SignInRedirect,
  TotpCodeBody,
  TotpConfirmed,
  TotpEnrolment,
  TotpEnrolmentParams,
  TotpSignInBody,
} from './cim-devices.js';
import { UserUuidParams } from './service-cim.js';

// The iPad app: an RA (manage-ipad-authenticators: RAM, RAA(A)) makes a one-time registration
// link shown as a QR code; the device (no session: the link is its credential, one use, five
// minutes) registers its key; a sign-in page makes a one-time sign-in link the device signs.

const cim = { tag: 'cim', auth: 'session', viaAgent: true } as const;
const device = { tag: 'devices', auth: 'none' } as const;

const IPAD_ENDPOINTS = {
  createIpadEnrolment: endpoint({
    ...cim,
    method: 'POST',
    path: '/v1/users/:uuid/authenticators/ipad-enrolments',
    summary: "A one-time link (and its QR code) for the user's iPad to register with, valid 5 minutes",
    status: 201,
    params: UserUuidParams,
    response: DeviceLink,
  }),
  ipadRegistrationChallenge: endpoint({
    ...device,
    method: 'POST',
    path: '/v1/devices/ipad/registration-challenge',
    summary: 'The challenge a device signs to register with a link, and whose iPad it becomes',
    body: DeviceTokenBody,
    response: DeviceChallenge,
  }),
  registerIpad: endpoint({
    ...device,
    method: 'POST',
    path: '/v1/devices/ipad/registrations',
    summary: "Register the device's key with a link (one use); it replaces the person's earlier iPad",
    status: 201,
    body: DeviceRegistrationBody,
    response: DeviceRegistered,
  }),
  createIpadSignIn: endpoint({
    ...device,
    method: 'POST',
    path: '/v1/oidc/interactions/:uid/ipad',
    summary: 'A one-time link (and its QR code) for an iPad to sign in to this sign-in, valid 5 minutes',
    status: 201,
    params: IpadSignInParams,
    response: IpadSignInLink,
  }),
  ipadSignInChallenge: endpoint({
    ...device,
    method: 'POST',
    path: '/v1/devices/ipad/sign-in-challenge',
    summary: 'The challenge a device signs to sign in with a link, and which app it is for',
    body: DeviceTokenBody,
    response: DeviceChallenge,
  }),
  signInWithIpad: endpoint({
    ...device,
    method: 'POST',
    path: '/v1/devices/ipad/sign-ins',
    summary: "Sign in with the device's registered key (one use of the link)",
    body: DeviceSignInBody,
    response: DeviceSignedIn,
  }),
  ipadSignInState: endpoint({
    ...device,
    method: 'POST',
    path: '/v1/oidc/interactions/:uid/ipad/state',
    summary: 'Whether the iPad has signed in yet; when it has, the sign-in is finished and the page goes on',
    params: IpadSignInParams,
    body: IpadSignInPollBody,
    response: IpadSignInState,
  }),
} as const;

// The authenticator app (Microsoft Authenticator style time-based codes, AAL2): set up on your own
// profile (self-register-authenticator) or by an RA for someone in scope (manage-authenticators),
// confirmed with a first code before it is kept; signing in takes a code once.

const TOTP_ENDPOINTS = {
  createTotpEnrolment: endpoint({
    ...cim,
    method: 'POST',
    path: '/v1/users/:uuid/authenticators/totp-enrolments',
    summary: 'A new authenticator app secret (otpauth:// QR code and text), kept only once a first code confirms it',
    status: 201,
    params: UserUuidParams,
    response: TotpEnrolment,
  }),
  confirmTotpEnrolment: endpoint({
    ...cim,
    method: 'POST',
    path: '/v1/users/:uuid/authenticators/totp-enrolments/:enrolmentId/confirm',
    summary: 'Confirm the authenticator app with the code it shows now; it is then an authenticator (AAL2)',
    status: 201,
    params: TotpEnrolmentParams,
    body: TotpCodeBody,
    response: TotpConfirmed,
  }),
  signInWithTotp: endpoint({
    ...device,
    method: 'POST',
    path: '/v1/oidc/interactions/:uid/totp',
    summary: 'Sign in to this sign-in with the authenticator app: email address and a 6-digit code (each code once, a few tries)',
    params: IpadSignInParams,
    body: TotpSignInBody,
    response: SignInRedirect,
  }),
} as const;

export const DEVICES_ENDPOINTS = { ...IPAD_ENDPOINTS, ...TOTP_ENDPOINTS } as const;
