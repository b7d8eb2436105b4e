import { z } from 'zod';
import {
  RecoverRenewalRequest,
  RenewalAuthenticateRequest,
  RenewalAuthenticateResponse,
  RenewalCertificateRequest,
  RenewalCertificateResponse,
  RenewalConfirmRequest,
  RenewalConfirmResponse,
  RenewalId,
  RenewalOpened,
  RenewalWitnessRequest,
  RenewalWitnessResponse,
  SelfRenewalRequest,
  SponsorRenewalRequest,
} from '../../src-shared/api/service-renewal.js';
import { answerRenewalWitness, authenticateRenewalCard } from '../renewal/renewal-card-proof.js';
import { issueRenewalCertificate } from '../renewal/renewal-certificate.js';
import { confirmRenewalOnCard } from '../renewal/renewal-confirmation.js';
import { recoverRenewal } from '../renewal/renewal-recovery.js';
import { startSelfRenewal } from '../renewal/self-renewal.js';
import { startSponsorRenewal } from '../renewal/sponsor-renewal.js';
import { defineRoute, type AnyRoute } from './route.js';

// Renewing a card's authentication certificate: opened by its holder, by a sponsor with the card
// in their second reader, or (without a session) to finish one cut short; then the card steps
// (witness, authenticate, certificate, confirm). The card steps carry no session: the renewal id
// is the capability, bound to the workstation that opened it (src-shared/api/service-renewal.ts).

const RenewalParams = z.strictObject({ renewalId: RenewalId });

/** The renewal endpoints. */
export function renewalRoutes(): AnyRoute[] {
  return [
    defineRoute({
      method: 'POST',
      url: '/v1/renewals',
      summary: "Open a renewal of the session's own card (from 90 days before its certificate expires; valid 10 minutes)",
      tag: 'renewal',
      auth: 'session',
      body: SelfRenewalRequest,
      response: RenewalOpened,
      handler: ({ ctx, session }) => startSelfRenewal(ctx, session),
    }),
    defineRoute({
      method: 'POST',
      url: '/v1/card-service/renew',
      summary: "Open a sponsor renewal of the card in the second reader (due: card-service roles; expired: RA roles only)",
      tag: 'card-service',
      auth: 'session',
      body: SponsorRenewalRequest,
      response: RenewalOpened,
      handler: ({ ctx, session, body }) => startSponsorRenewal(ctx, session, body),
    }),
    defineRoute({
      method: 'POST',
      url: '/v1/renewals/recover',
      summary: 'Open a renewal that finishes one of this card cut short in the last 30 days (no session; rate-limited)',
      tag: 'renewal',
      auth: 'none',
      body: RecoverRenewalRequest,
      response: RenewalOpened,
      handler: ({ ctx, body }) => recoverRenewal(ctx, body),
    }),
    defineRoute({
      method: 'POST',
      url: '/v1/renewals/:renewalId/card-witness',
      summary: "Card proof, step 1: decrypt the card's management-key witness and set it a challenge",
      tag: 'renewal',
      auth: 'none',
      params: RenewalParams,
      body: RenewalWitnessRequest,
      response: RenewalWitnessResponse,
      handler: ({ ctx, params, body }) => answerRenewalWitness(ctx, params.renewalId, body),
    }),
    defineRoute({
      method: 'POST',
      url: '/v1/renewals/:renewalId/authenticate',
      summary: "Card proof, step 2: check the card's answer; returns a certificate this renewal already issued, if any",
      tag: 'renewal',
      auth: 'none',
      params: RenewalParams,
      body: RenewalAuthenticateRequest,
      response: RenewalAuthenticateResponse,
      handler: ({ ctx, params, body }) => authenticateRenewalCard(ctx, params.renewalId, body),
    }),
    defineRoute({
      method: 'POST',
      url: '/v1/renewals/:renewalId/certificate',
      summary: "Issue the new certificate for the card's new key (PKCS#10 signed by it); not live until confirmed",
      tag: 'renewal',
      auth: 'none',
      params: RenewalParams,
      body: RenewalCertificateRequest,
      response: RenewalCertificateResponse,
      handler: ({ ctx, params, body }) => issueRenewalCertificate(ctx, params.renewalId, body),
    }),
    defineRoute({
      method: 'POST',
      url: '/v1/renewals/:renewalId/confirm',
      summary: 'The new certificate is on the card: make it live and revoke the old one (repeatable)',
      tag: 'renewal',
      auth: 'none',
      params: RenewalParams,
      body: RenewalConfirmRequest,
      response: RenewalConfirmResponse,
      handler: ({ ctx, params, body }) => confirmRenewalOnCard(ctx, params.renewalId, body),
    }),
  ];
}
