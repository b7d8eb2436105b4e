import type { ComponentType } from 'react';
import type { IssuableKind } from '../../../src-shared/api/cim-authenticators.js';
import type { AuthenticatorKind } from '../../../src-shared/api/oidc.js';
import type { Holder } from './authenticator-frame.js';
import { SecurityKeyInstructions } from './security-key-instructions.js';
import { IpadInstructions } from './ipad-instructions.js';
import { MicrosoftAuthenticatorInstructions } from './microsoft-authenticator-instructions.js';
import { WindowsHelloInstructions } from './windows-hello-instructions.js';

// The kinds of authenticator CIM can add, each with its instructions page (in its own file in
// this folder). "Select authenticator type" offers the kinds the service says the viewer may add
// that have an entry here. A new kind adds one line.

export interface InstructionsProps {
  readonly holder: Holder;
}

export interface AuthenticatorType {
  /** Its radio label on "Select authenticator type". */
  readonly label: string;
  readonly hint: string;
  readonly Instructions: ComponentType<InstructionsProps>;
}

export const AUTHENTICATOR_TYPES: Partial<Record<IssuableKind, AuthenticatorType>> = {
  ipad: { label: 'iPad', hint: 'The NHS CIS2 app on the user’s own iPad, with face or fingerprint.', Instructions: IpadInstructions },
  'microsoft-authenticator': { label: 'Microsoft Authenticator', hint: 'A 6-digit code from an authenticator app on a phone.', Instructions: MicrosoftAuthenticatorInstructions },
  'security-key': { label: 'Security key or passkey', hint: 'A USB or NFC security key, or a passkey on a phone.', Instructions: SecurityKeyInstructions },
  'windows-hello': { label: 'Windows Hello', hint: 'The Windows computer itself, with a PIN, face or fingerprint.', Instructions: WindowsHelloInstructions },
};

/** Every kind's name in the list of a profile's authenticators. */
export const AUTHENTICATOR_KIND_NAMES: Record<AuthenticatorKind, string> = {
  smartcard: 'Smartcard',
  ipad: 'iPad',
  'microsoft-authenticator': 'Microsoft Authenticator',
  'security-key': 'Security key or passkey',
  'windows-hello': 'Windows Hello',
  'nhsnet-connect': 'NHS.net Connect',
};
