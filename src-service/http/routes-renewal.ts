import { SERVICE_ENDPOINTS } from '../../src-shared/api/service-endpoints.js';
import { answerRenewalWitness, authenticateRenewalCard } from '../renewal/renewal-card-proof.js';
import { issueRenewalCertificate } from '../renewal/renewal-certificate.js';
import { confirmRenewalOnCard } from '../renewal/renewal-confirmation.js';
import { recoverRenewal } from '../renewal/renewal-recovery.js';
import { startSelfRenewal } from '../renewal/self-renewal.js';
import { startSponsorRenewal } from '../renewal/sponsor-renewal.js';
import { route, type AnyRoute } from './route.js';

// Renewing a card's authentication certificate: opened by its holder, by a sponsor with the card
// in their second reader, or (without a session) to finish one cut short; then the card steps
// (witness, authenticate, certificate, confirm). The card steps carry no session: the renewal id
// is the capability, bound to the workstation that opened it (src-shared/api/service-renewal.ts).

/** The renewal endpoints. */
export function renewalRoutes(): AnyRoute[] {
  return [
    route(SERVICE_ENDPOINTS.openSelfRenewal, ({ ctx, session }) => startSelfRenewal(ctx, session)),
    route(SERVICE_ENDPOINTS.openSponsorRenewal, ({ ctx, session, body }) => startSponsorRenewal(ctx, session, body)),
    route(SERVICE_ENDPOINTS.recoverRenewal, ({ ctx, body }) => recoverRenewal(ctx, body)),
    route(SERVICE_ENDPOINTS.renewalWitness, ({ ctx, params, body }) => answerRenewalWitness(ctx, params.renewalId, body)),
    route(SERVICE_ENDPOINTS.renewalAuthenticate, ({ ctx, params, body }) => authenticateRenewalCard(ctx, params.renewalId, body)),
    route(SERVICE_ENDPOINTS.renewalCertificate, ({ ctx, params, body }) => issueRenewalCertificate(ctx, params.renewalId, body)),
    route(SERVICE_ENDPOINTS.confirmRenewal, ({ ctx, params, body }) => confirmRenewalOnCard(ctx, params.renewalId, body)),
  ];
}
