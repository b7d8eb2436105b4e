import { generateRegistrationOptions, verifyRegistrationResponse, type RegistrationResponseJSON } from '@simplewebauthn/server';
import type { z } from 'zod';
import type { WebauthnCredentialJson, WebauthnRegistered, WebauthnRegistrationOptions } from '../../src-shared/api/cim-authenticators.js';
import { badRequest, conflict } from '../service-error.js';
import type { ServiceContext } from '../service-context.js';
import { inTransaction } from '../store/transaction.js';
import { addAuthenticator } from './add-authenticator.js';
import { openEnrolment } from './enrolments.js';
import { pageOrigin, rpIdOf } from './page-origin.js';
import { configuredAttestationRoots, webauthnAal } from './webauthn-aal.js';

// The registration page's two calls, for a one-time link of kind security-key (a roaming key, or
// a passkey on a phone through the hybrid transport) or windows-hello (the platform
// authenticator). The relying party is this service's public origin; the challenge is kept on
// the enrolment, answered once: the credential is checked (challenge, origin, RP ID, user
// verification, attestation signature) before anything is written.

const WEBAUTHN_KINDS = ['security-key', 'windows-hello'] as const;
type WebauthnKind = (typeof WEBAUTHN_KINDS)[number];
const RP_NAME = 'Care Identity Service';

export async function webauthnRegistrationOptions(ctx: ServiceContext, token: string): Promise<z.output<typeof WebauthnRegistrationOptions>> {
  const now = ctx.now().getTime();
  const enrolment = await openEnrolment(ctx.db, token, WEBAUTHN_KINDS, now);
  const kind = enrolment.kind as WebauthnKind;
  const existing = await ctx.db
    .selectFrom('authenticators')
    .select(['credential_id', 'details'])
    .where('user_id', '=', enrolment.userId)
    .where('removed_at', 'is', null)
    .where('credential_id', 'is not', null)
    .execute();
  const options = await generateRegistrationOptions({
    rpName: RP_NAME,
    rpID: rpIdOf(pageOrigin(ctx)),
    userName: enrolment.userName,
    userDisplayName: enrolment.userName,
    userID: new TextEncoder().encode(enrolment.userUuid),
    // Direct: the attestation is what lets a hardware key reach AAL3 (webauthn-aal.ts).
    attestationType: 'direct',
    timeout: 5 * 60_000,
    // One credential per authenticator: a key already on the profile is refused by the browser.
    excludeCredentials: existing.map((c) => ({ id: c.credential_id as string, transports: transportsOf(c.details) })),
    authenticatorSelection: {
      authenticatorAttachment: kind === 'windows-hello' ? 'platform' : 'cross-platform',
      residentKey: 'preferred',
      userVerification: 'required',
    },
  });
  await ctx.db.updateTable('authenticator_enrolments').set({ challenge: options.challenge }).where('id', '=', enrolment.id).execute();
  return { kind, userName: enrolment.userName, options: options as unknown as Record<string, unknown> };
}

const REFUSED = 'Your authenticator could not be registered: its answer did not match this page. Start again from Care Identity Management.';

export async function webauthnRegistrationVerify(
  ctx: ServiceContext,
  token: string,
  credential: z.output<typeof WebauthnCredentialJson>,
): Promise<z.output<typeof WebauthnRegistered>> {
  const started = await openEnrolment(ctx.db, token, WEBAUTHN_KINDS, ctx.now().getTime());
  if (started.challenge === null) throw conflict('This registration has not started yet. Reload the page and try again.');
  const origin = pageOrigin(ctx);
  // The signature checks are done before the transaction (which holds nothing but DB work).
  let verified: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
  try {
    verified = await verifyRegistrationResponse({
      response: credential as unknown as RegistrationResponseJSON,
      expectedChallenge: started.challenge,
      expectedOrigin: origin,
      expectedRPID: rpIdOf(origin),
      requireUserVerification: true,
    });
  } catch {
    throw badRequest(REFUSED);
  }
  if (!verified.verified) throw badRequest(REFUSED);
  const info = verified.registrationInfo;
  const kind = started.kind as WebauthnKind;
  const aal = await webauthnAal(info, configuredAttestationRoots());
  const label = kind === 'windows-hello' ? 'Windows Hello' : info.credentialDeviceType === 'multiDevice' ? 'Passkey' : 'Security key';
  const now = ctx.now();
  await inTransaction(ctx.db, async (trx) => {
    // Read again inside the transaction: the link may have been used (or a new one started) meanwhile.
    const enrolment = await openEnrolment(trx, token, WEBAUTHN_KINDS, now.getTime());
    if (enrolment.challenge !== started.challenge) throw conflict('This registration was restarted in another window. Use that window, or reload this page.');
    const taken = await trx.selectFrom('authenticators').select('id').where('credential_id', '=', info.credential.id).where('removed_at', 'is', null).executeTakeFirst();
    if (taken) throw conflict('This authenticator is already registered.');
    await addAuthenticator(
      trx,
      enrolment,
      {
        kind,
        label,
        aal,
        credentialId: info.credential.id,
        publicKey: Buffer.from(info.credential.publicKey),
        signCount: info.credential.counter,
        details: {
          fmt: info.fmt,
          aaguid: info.aaguid,
          transports: info.credential.transports ?? [],
          deviceType: info.credentialDeviceType,
          backedUp: info.credentialBackedUp,
          userVerified: info.userVerified,
        },
      },
      now,
    );
  });
  return { kind, label, aal };
}

/** The transports a stored credential's details name, for the browser's hints. */
export function transportsOf(details: string | null): string[] | undefined {
  if (details === null) return undefined;
  const parsed = JSON.parse(details) as { transports?: unknown };
  return Array.isArray(parsed.transports) ? parsed.transports.filter((t): t is string => typeof t === 'string') : undefined;
}
