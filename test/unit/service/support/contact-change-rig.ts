import { makeCard, type MadeCard } from '../../../../src-service/ca/card-factory.js';
import { readOutbox } from '../../../../src-service/notify/outbox.js';
import { contactChangeSignedPayload } from '../../../../src-shared/api/service-cim.js';
import type { RoleCode } from '../../../../src-shared/domain/roles.js';
import { addPosition, addUser, assign, sessionFor } from '../../../support/service-fixtures.js';
import type { Harness, Reply } from '../cim/cim-harness.js';
import { cardAnswer } from './card-login-rig.js';

// A holder signed in with a real factory card (the software PIV card engine), and the card's
// approval of a change of their own contact details: challenge, passcode and 9A signature,
// then PUT /v1/me/contact, as the agent does it. (Not a test file.)

export interface CardHolder {
  readonly userId: number;
  readonly uuid: string;
  readonly positionId: number;
  readonly token: string;
  readonly card: MadeCard;
}

export async function cardHolder(
  h: Harness,
  orgId: number,
  options: { roles?: RoleCode[]; email?: string | null; mobile?: string | null; name?: string } = {},
): Promise<CardHolder> {
  const name = options.name ?? 'Holder';
  const user = await addUser(h.db, {
    given: 'Test',
    family: name,
    homeOrgId: orgId,
    email: options.email === undefined ? `${name.toLowerCase()}@nhs.net` : options.email,
    mobile: options.mobile ?? null,
  });
  const positionId = await addPosition(h.db, { orgId, title: `${name} position`, roles: options.roles ?? [] });
  await assign(h.db, user.id, positionId);
  const card = await makeCard(h.service.ctx, { userUuid: user.uuid, algorithm: 'p256' });
  // sessionFor signs in with the user's active card: the one just made.
  return { userId: user.id, uuid: user.uuid, positionId, token: await sessionFor(h.db, user.id, positionId), card };
}

export interface NewValues {
  readonly email?: string;
  readonly mobile?: string;
}

export interface Approval {
  readonly nonce: string;
  readonly signature: string;
}

/**
 * The card's approval of `values`: a challenge for `holder`'s session, signed by `signer`'s card
 * (the holder's own unless a test says otherwise) over `signed` (the values unless a test changes them).
 */
export async function approve(h: Harness, holder: CardHolder, values: NewValues, options: { signer?: MadeCard; signed?: NewValues } = {}): Promise<Approval> {
  const challenge = await h.call('POST', '/v1/me/contact/challenge', { token: holder.token, json: values });
  if (challenge.status !== 200) throw new Error(`challenge refused: ${JSON.stringify(challenge.body)}`);
  const signed = options.signed ?? values;
  const payload = contactChangeSignedPayload({
    nonce: challenge.body.nonce,
    serviceOrigin: challenge.body.serviceOrigin,
    workstationId: 'test-ws',
    session: challenge.body.session,
    email: signed === values ? challenge.body.email : (signed.email ?? null),
    mobile: signed === values ? challenge.body.mobile : (signed.mobile ?? null),
  });
  const answer = await cardAnswer((options.signer ?? holder.card).state, payload);
  return { nonce: challenge.body.nonce, signature: answer.signature.toString('base64') };
}

export function putContact(h: Harness, holder: CardHolder, values: NewValues, approval: Approval): Promise<Reply> {
  return h.call('PUT', '/v1/me/contact', { token: holder.token, json: { ...values, ...approval } });
}

/** The code last sent to `email` to confirm it, read from the outbox. */
export async function emailCodeSentTo(h: Harness, email: string): Promise<string> {
  const message = (await readOutbox(h.db)).find((m) => m.channel === 'email' && m.to === email && m.subject === 'Confirm your new email address');
  const code = /\b(\d{6})\b/.exec(message?.text ?? '')?.[1];
  if (!code) throw new Error(`no confirmation code was sent to ${email}`);
  return code;
}

export function enterEmailCode(h: Harness, holder: CardHolder, code: string): Promise<Reply> {
  return h.call('POST', '/v1/me/contact/email-code', { token: holder.token, json: { code } });
}

/** The whole change, approved by the holder's own card; a new email confirmed with the code sent to it. */
export async function changeContact(h: Harness, holder: CardHolder, values: NewValues): Promise<Reply> {
  const reply = await putContact(h, holder, values, await approve(h, holder, values));
  const waiting = reply.status === 200 ? (reply.body as { emailConfirmation: { sentTo: string } | null }).emailConfirmation : null;
  if (!waiting) return reply;
  return enterEmailCode(h, holder, await emailCodeSentTo(h, waiting.sentTo));
}

export function contactOf(h: Harness, userId: number): Promise<{ email: string | null; mobile: string | null }> {
  return h.db.selectFrom('users').select(['email', 'mobile']).where('id', '=', userId).executeTakeFirstOrThrow();
}
