import type { KeyObject } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MadeCard } from '../../../../src-service/ca/card-factory.js';
import {
  confirm,
  DAY,
  expiringIn,
  loginWith,
  morning,
  newCardKey,
  proofFor,
  proveCard,
  requestCertificate,
  requestSponsorRenewal,
  startRenewalRig,
  throughIssue,
  type RenewalRig,
} from '../support/renewal-rig.js';
import { certificateOf, OTHER_WS, WS } from '../support/unlock-rig.js';

// Secrets of a renewal stay secret: the management key reaches nothing (the card's proof is
// relayed); no session token, renewal id or private key is in any audit entry or error. Self,
// sponsor and recovered renewals run to the end, with refusals on the way.

let rig: RenewalRig;
const cards: MadeCard[] = [];
const privateKeys: KeyObject[] = [];
const tokens: string[] = [];
const renewalIds: string[] = [];

beforeAll(async () => {
  rig = await startRenewalRig();
  const today = morning();
  rig.setClock(new Date(today.getTime() - 30 * DAY));
  const orgId = (await rig.org()).id;
  const holder = await rig.person({ orgId, given: 'Sasha' });
  const own = await rig.makeCard(holder.uuid, { notAfter: expiringIn(today, 40) });
  // Expired yesterday: renewed by registration authority staff.
  const serviced = await rig.makeCard(holder.uuid, { notAfter: expiringIn(today, -1) });
  rig.setClock(today);
  const sponsor = await rig.sponsor(orgId, ['RAA']);
  tokens.push(sponsor.token);
  cards.push(own, serviced, sponsor.card);
  privateKeys.push(own.privateKey, serviced.privateKey, sponsor.card.privateKey);
  const { token } = await rig.signIn(holder, own);
  tokens.push(token);

  // Self: refused early (wrong workstation, bad request), then to the end and a roll-forward login.
  const self = await rig.call('POST', '/v1/renewals', {}, { token });
  renewalIds.push(self.body.renewalId);
  await proveCard(rig, self.body.renewalId, own, OTHER_WS);
  await requestCertificate(rig, self.body.renewalId, proofFor(own, newCardKey()));
  const { key, issued } = await throughIssue(rig, self.body.renewalId, own);
  privateKeys.push(key.privateKey);
  await requestCertificate(rig, self.body.renewalId, { csr: Buffer.from('3003020100', 'hex'), attestation: null });
  await loginWith(rig, Buffer.from(issued.body.certificate, 'base64'), key.privateKey, 'p256');

  // RA staff renew the expired card: cut short after issue, recovered, finished.
  const sponsored = await requestSponsorRenewal(rig, sponsor.token, serviced);
  renewalIds.push(sponsored.body.renewalId);
  const cut = await throughIssue(rig, sponsored.body.renewalId, serviced);
  privateKeys.push(cut.key.privateKey);
  const recovered = await rig.call('POST', '/v1/renewals/recover', await rig.proved({ workstationId: WS, cardUuid: serviced.cardUuid }));
  renewalIds.push(recovered.body.renewalId);
  await proveCard(rig, recovered.body.renewalId, serviced);
  await confirm(rig, recovered.body.renewalId);
  await confirm(rig, sponsored.body.renewalId);
  // The sponsor tries their own card; a stranger tries without a session.
  await requestSponsorRenewal(rig, sponsor.token, sponsor.card);
  await rig.call('POST', '/v1/card-service/renew', { cardUuid: serviced.cardUuid, certificate: certificateOf(serviced) });
});
afterAll(async () => rig.close());

const auditText = async (): Promise<string[]> =>
  (await rig.db.selectFrom('audit_log').select(['at', 'actor', 'action', 'subject', 'workstation_id', 'details']).orderBy('seq').execute()).map((row) => JSON.stringify(row));
const managementKeyForms = (card: MadeCard): string[] => {
  const key = Buffer.from(card.state.managementKey.key, 'hex');
  return [key.toString('hex'), key.toString('hex').toUpperCase(), key.toString('base64'), key.toString('base64url')];
};
const privateKeyForms = (key: KeyObject): string[] => {
  const der = key.export({ type: 'pkcs8', format: 'der' });
  // The private scalar (P-256) or exponent (RSA) alone, in the encodings it might be written in.
  const d = Buffer.from(key.export({ format: 'jwk' }).d as string, 'base64url');
  return [der.toString('base64'), d.toString('hex'), d.toString('base64'), d.toString('base64url')];
};

function expectNoSecrets(text: string): void {
  for (const card of cards) for (const form of managementKeyForms(card)) expect(text).not.toContain(form);
  for (const key of privateKeys) for (const form of privateKeyForms(key)) expect(text).not.toContain(form);
  for (const token of tokens) expect(text).not.toContain(token);
}

describe('renewal secrets stay secret', () => {
  it('the flows ran: opened, proved, issued, confirmed, rolled forward, recovered, refused', async () => {
    const actions = new Set((await rig.db.selectFrom('audit_log').select('action').execute()).map((r) => r.action));
    for (const action of ['card.renewal-started', 'card.renewal-card-proved', 'card.certificate-issued', 'card.renewed', 'card.renewal-refused']) {
      expect(actions, action).toContain(action);
    }
    const renewed = (await rig.db.selectFrom('audit_log').select('details').where('action', '=', 'card.renewed').execute()).map((r) => r.details);
    expect(renewed.map((d) => JSON.parse(d).confirmedBy).sort()).toEqual(['agent', 'rolled forward at login']);
    expect(rig.errorBodies.length).toBeGreaterThanOrEqual(5);
    expect(renewalIds.every((id) => typeof id === 'string' && id.length > 40)).toBe(true);
  });

  it('rule: no audit entry holds a management key, a private key, a session token or a renewal id', async () => {
    for (const row of await auditText()) {
      expectNoSecrets(row);
      for (const id of renewalIds) expect(row).not.toContain(id);
    }
  });

  it('rule: no error body holds a management key, a private key, a session token or a renewal id', () => {
    for (const body of rig.errorBodies) {
      expectNoSecrets(body);
      for (const id of renewalIds) expect(body).not.toContain(id);
    }
  });

  it('rule: no response at all holds a management key or a private key', () => {
    for (const body of rig.bodies) {
      for (const card of cards) for (const form of managementKeyForms(card)) expect(body).not.toContain(form);
      for (const key of privateKeys) for (const form of privateKeyForms(key)) expect(body).not.toContain(form);
    }
  });
});
