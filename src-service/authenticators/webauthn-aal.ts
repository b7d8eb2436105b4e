import { readFileSync } from 'node:fs';
import { convertCertBufferToPEM, decodeAttestationObject, validateCertificatePath } from '@simplewebauthn/server/helpers';
import type { Aal } from '../../src-shared/api/oidc.js';

// The assurance a WebAuthn credential reaches (README "Authenticators and assurance"):
// AAL3 ("very high") only for a hardware authenticator the service can vouch for: its attestation
// certificate chains to a root the deployment trusts (CIS_WEBAUTHN_ATTESTATION_ROOTS, a PEM file
// of the vendors' roots it accepts), the key is bound to the device (not a synced passkey) and the
// user was verified (PIN or biometric) when it was made. Everything else is AAL2 ("high"): a
// passkey, a key without attestation or from an unknown vendor, Windows Hello without a trusted
// TPM attestation. User verification is required at registration and sign-in for every kind.

export interface RegisteredCredential {
  readonly fmt: string;
  readonly userVerified: boolean;
  readonly credentialDeviceType: 'singleDevice' | 'multiDevice';
  readonly attestationObject: Uint8Array;
}

let cachedRoots: { file: string; pems: string[] } | undefined;

/** The trusted attestation roots from the file CIS_WEBAUTHN_ATTESTATION_ROOTS names (none when unset). */
export function configuredAttestationRoots(): string[] {
  const file = process.env['CIS_WEBAUTHN_ATTESTATION_ROOTS'];
  if (file === undefined || file === '') return [];
  if (cachedRoots?.file !== file) {
    const pems = readFileSync(file, 'utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    cachedRoots = { file, pems: pems.map((p) => `${p}\n`) };
  }
  return cachedRoots.pems;
}

/** Whether the attestation statement's certificate chain ends at one of `roots`. */
async function attestedBy(attestationObject: Uint8Array, roots: readonly string[]): Promise<boolean> {
  if (roots.length === 0) return false;
  const x5c = decodeAttestationObject(new Uint8Array(attestationObject)).get('attStmt').get('x5c');
  if (!x5c || x5c.length === 0) return false;
  try {
    return await validateCertificatePath(x5c.map((cert) => convertCertBufferToPEM(cert)), [...roots]);
  } catch {
    return false;
  }
}

export async function webauthnAal(credential: RegisteredCredential, roots: readonly string[]): Promise<Aal> {
  if (!credential.userVerified || credential.credentialDeviceType !== 'singleDevice' || credential.fmt === 'none') return 2;
  return (await attestedBy(credential.attestationObject, roots)) ? 3 : 2;
}
