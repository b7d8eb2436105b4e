import { makeCard, type MadeCard } from '../../../../src-service/ca/card-factory.js';
import { openCardSecret } from '../../../../src-service/crypto/card-secrets.js';
import { answeredChallenge, call, cardLogin, holder, seenBodies, type ServiceRig } from './card-login-rig.js';

// The sign-ins the secret-keeping tests look for leaks after: two cards, each signed in, and
// everything else a client can provoke around them. Shared by the tests of what responses and
// the audit log hold (both engines) and of what the SQLite file holds on disk.

export interface SecretFlows {
  readonly cards: MadeCard[];
  readonly tokens: string[];
  readonly tickets: string[];
  /** Bodies of the responses that legitimately carry one token or ticket. */
  readonly handOuts: Set<string>;
}

export async function runSecretFlows(rig: ServiceRig): Promise<SecretFlows> {
  const flows: SecretFlows = { cards: [], tokens: [], tickets: [], handOuts: new Set<string>() };
  const h = await holder(rig.db);
  seenBodies.length = 0;
  for (const algorithm of ['rsa2048', 'p256'] as const) {
    const card = await makeCard(rig.service.ctx, { userUuid: h.userUuid, algorithm });
    flows.cards.push(card);
    const verify = await cardLogin(rig.service, card.state);
    flows.tickets.push(verify.body.loginTicket);
    flows.handOuts.add(verify.text);
    const session = await call(rig.service, 'POST', '/v1/login/session', { loginTicket: verify.body.loginTicket, positionId: h.positionId });
    flows.tokens.push(session.body.token);
    flows.handOuts.add(session.text);
    // Everything else a client can provoke: reuse of the ticket and the challenge, a bad
    // signature, session info, sign-out, and calls with a dead token.
    await call(rig.service, 'POST', '/v1/login/session', { loginTicket: verify.body.loginTicket, positionId: h.positionId });
    const body = await answeredChallenge(rig.service, card.state);
    await call(rig.service, 'POST', '/v1/login/verify', { ...body, signature: Buffer.alloc(64, 3).toString('base64') });
    await call(rig.service, 'POST', '/v1/login/verify', body);
    await call(rig.service, 'GET', '/v1/session', undefined, session.body.token);
    await call(rig.service, 'POST', '/v1/logout', undefined, session.body.token);
    await call(rig.service, 'GET', '/v1/session', undefined, session.body.token);
  }
  return flows;
}

/** The card's PUK and management key, opened from the store as the service opens them. */
export async function cardSecrets(rig: ServiceRig, card: MadeCard): Promise<{ puk: string; managementKey: Buffer }> {
  const row = await rig.db.selectFrom('cards').select(['puk_sealed', 'management_key_sealed']).where('uuid', '=', card.cardUuid).executeTakeFirstOrThrow();
  if (!row.puk_sealed || !row.management_key_sealed) throw new Error('the card has no sealed PUK or management key');
  return {
    puk: openCardSecret(rig.service.ctx.dataKey, card.cardUuid, 'puk', row.puk_sealed).toString('ascii'),
    managementKey: openCardSecret(rig.service.ctx.dataKey, card.cardUuid, 'management-key', row.management_key_sealed),
  };
}

/** Every printable form a secret might leak in. */
export function forms(secret: Buffer | string): string[] {
  if (typeof secret === 'string') return [secret];
  return [secret.toString('hex'), secret.toString('hex').toUpperCase(), secret.toString('base64'), secret.toString('base64url')];
}
