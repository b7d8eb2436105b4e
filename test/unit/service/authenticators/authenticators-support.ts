import { pageOrigin, rpIdOf } from '../../../../src-service/authenticators/page-origin.js';
import { actor, addUser } from '../../../support/service-fixtures.js';
import { SoftAuthenticator, type RegisterOptions } from '../../../support/soft-webauthn.js';
import type { Harness } from '../cim/cim-harness.js';

// What the authenticator tests share: a user to issue to, an enrolment link, and a software key
// that registers through the registration page's two calls as the page's script would.

let people = 0;
export const personAt = (h: Harness, orgId: number): Promise<{ id: number; uuid: string }> =>
  addUser(h.db, { given: 'Pat', family: `Person ${++people}`, homeOrgId: orgId });

export const raAt = (h: Harness, orgId: number, role: 'RAM' | 'RAA(A)' | 'RAA' = 'RAA') => actor(h.db, orgId, [role], `${role} ${++people}`);

/** The token of a one-time link (it rides in the fragment). */
const tokenOf = (link: string): string => new URL(link).hash.slice(1);

export async function startLink(h: Harness, token: string, userUuid: string, kind = 'security-key'): Promise<string> {
  const res = await h.call('POST', `/v1/users/${userUuid}/authenticator-enrolments`, { token, json: { kind } });
  if (res.status !== 201) throw new Error(`enrolment start: ${res.status} ${JSON.stringify(res.body)}`);
  return tokenOf(res.body.link as string);
}

export const relyingParty = (h: Harness): { origin: string; rpId: string } => {
  const origin = pageOrigin(h.service.ctx);
  return { origin, rpId: rpIdOf(origin) };
};

/** Options, then the key's answer, then verify: the verify call's reply. */
export async function registerKey(h: Harness, link: string, key = new SoftAuthenticator(), how: Partial<RegisterOptions> = {}) {
  const options = await h.call('POST', '/v1/authenticator-enrolments/webauthn/options', { json: { token: link } });
  if (options.status !== 200) return options;
  const credential = key.register({ ...relyingParty(h), challenge: options.body.options.challenge as string, ...how });
  return h.call('POST', '/v1/authenticator-enrolments/webauthn/verify', { json: { token: link, credential } });
}
