import { AMR_OF_KIND, acrOfAal, type Aal, type AuthenticatorKind } from '../../src-shared/api/oidc.js';
import { ServiceError } from '../service-error.js';
import type { ServiceContext } from '../service-context.js';
import { oidcOf } from './oidc-runtime.js';
import { requiredAal } from './oidc-policy.js';

// The one way a sign-in page finishes a sign-in for an app: whichever authenticator the person
// used (smartcard through the agent, security key, iPad...), the page calls finishSignIn with who
// they are and the assurance it reached, and sends the browser where it says. The provider then
// checks the browser's interaction cookie when it comes back, so a uid alone finishes nothing.

/** Who signed in, and how: what the sign-in page proved. */
export interface SignedInWho {
  readonly userId: number;
  readonly aal: Aal;
  readonly kind: AuthenticatorKind;
  /** The workstation session (sessions row) of a smartcard sign-in: ending it ends this sign-in. */
  readonly agentSessionId?: number;
  readonly authenticatorId?: number;
}

/** What the sign-in result carries past the library to the sign-in record (sign-in-record.ts). */
export interface SignInDetails {
  readonly userId: number;
  readonly agentSessionId: number | null;
  readonly authenticatorId: number | null;
}

const GONE = 'This sign-in has expired or has already finished. Go back to the app and sign in again.';

const NEEDS: Record<Aal, string> = {
  3: 'This app needs a smartcard (very high assurance). Sign in with your smartcard, or an iPad or security key issued at that level.',
  2: 'This app needs a higher assurance sign-in.',
};

async function interactionOf(ctx: ServiceContext, uid: string) {
  const provider = await oidcOf(ctx).provider();
  const interaction = await provider.Interaction.find(uid);
  if (!interaction) throw new ServiceError(404, 'not-found', GONE);
  const clientId = String(interaction.params.client_id);
  const client = await provider.Client.find(clientId);
  if (!client) throw new ServiceError(404, 'not-found', GONE);
  return { interaction, client };
}

/**
 * The level the app waiting on interaction `uid` needs, its name, and the login_hint it sent, for
 * the sign-in page to offer only the methods that reach it.
 */
export async function requiredAalOf(ctx: ServiceContext, uid: string): Promise<{ aal: Aal; clientName: string; userHint?: string }> {
  const { interaction, client } = await interactionOf(ctx, uid);
  const hint = interaction.params.login_hint;
  return {
    aal: requiredAal(interaction.params.acr_values, client.defaultAcrValues),
    clientName: client.clientName ?? client.clientId,
    ...(typeof hint === 'string' && hint !== '' ? { userHint: hint } : {}),
  };
}

/**
 * Finishes interaction `uid` for `who`: refuses one that is gone or already finished (404, 409),
 * a level below what the app needs (403, in words), a closed profile (403); records the acr and
 * amr the ID token will carry. Returns where the browser goes next (back into the provider).
 */
export async function finishSignIn(ctx: ServiceContext, uid: string, who: SignedInWho): Promise<{ redirectTo: string }> {
  const { interaction, client } = await interactionOf(ctx, uid);
  if (interaction.result) throw new ServiceError(409, 'conflict', GONE);
  const needed = requiredAal(interaction.params.acr_values, client.defaultAcrValues);
  if (who.aal < needed) throw new ServiceError(403, 'forbidden', NEEDS[needed]);
  const user = await ctx.db.selectFrom('users').select(['uuid', 'status']).where('id', '=', who.userId).executeTakeFirst();
  if (!user) throw new ServiceError(404, 'not-found', 'That user profile was not found.');
  if (user.status !== 'open') throw new ServiceError(403, 'forbidden', 'This profile is closed. Speak to your registration authority.');
  const details: SignInDetails = { userId: who.userId, agentSessionId: who.agentSessionId ?? null, authenticatorId: who.authenticatorId ?? null };
  interaction.result = {
    login: { accountId: user.uuid, acr: acrOfAal(who.aal), amr: [AMR_OF_KIND[who.kind]], remember: true },
    signIn: details,
  };
  await interaction.save(Math.max(1, interaction.exp - Math.floor(Date.now() / 1000)));
  return { redirectTo: interaction.returnTo };
}
