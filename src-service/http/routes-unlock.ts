import { z } from 'zod';
import {
  CardServiceInspection,
  CardServiceRequest,
  CardWitnessRequest,
  CardWitnessResponse,
  PukReleaseRequest,
  PukReleaseResponse,
  SelfUnlockRequest,
  SelfUnlockResponse,
  SponsorUnlockResponse,
  UnlockCodeRequest,
  UnlockCodeResponse,
  UnlockCommitRequest,
  UnlockCommitResponse,
  UnlockId,
} from '../../src-shared/api/service-unlock.js';
import { CardProofWitnessRequest, CardProofWitnessResponse } from '../../src-shared/api/service-card-proof.js';
import { startCardProof } from '../unlock/card-proof.js';
import { inspectCard } from '../unlock/card-service.js';
import { answerCardWitness } from '../unlock/card-witness.js';
import { enterSecurityCode } from '../unlock/code-entry.js';
import { commitUnlock, releasePuk } from '../unlock/puk-rotation.js';
import { startSelfUnlock } from '../unlock/self-unlock.js';
import { startSponsorUnlock } from '../unlock/sponsor-unlock.js';
import { defineRoute, type AnyRoute } from './route.js';

// Unlocking a locked smartcard: self-service (a security code to the holder) or by a sponsor or
// local smartcard administrator signed in at the workstation; then the same three card steps
// (witness, release, commit). The card steps carry no session: the unlock id is the capability,
// bound to the workstation that started the unlock (src-shared/api/service-unlock.ts).

const UnlockParams = z.strictObject({ unlockId: UnlockId });

/** The unlock endpoints. */
export function unlockRoutes(): AnyRoute[] {
  return [
    defineRoute({
      method: 'POST',
      url: '/v1/card-proof/witness',
      summary: "A card named only by its UUID proves itself, step 1: decrypt its management-key witness and set it a challenge (for /v1/unlock/self and /v1/renewals/recover)",
      tag: 'unlock',
      auth: 'none',
      body: CardProofWitnessRequest,
      response: CardProofWitnessResponse,
      handler: ({ ctx, body }) => startCardProof(ctx, body),
    }),
    defineRoute({
      method: 'POST',
      url: '/v1/unlock/self',
      summary: "Send a security code to the locked card's holder (email or mobile on their profile); valid 15 minutes",
      tag: 'unlock',
      auth: 'none',
      body: SelfUnlockRequest,
      response: SelfUnlockResponse,
      handler: ({ ctx, body }) => startSelfUnlock(ctx, body),
    }),
    defineRoute({
      method: 'POST',
      url: '/v1/unlock/:unlockId/code',
      summary: 'Enter the security code; a wrong one spends one of five tries',
      tag: 'unlock',
      auth: 'none',
      params: UnlockParams,
      body: UnlockCodeRequest,
      response: UnlockCodeResponse,
      handler: ({ ctx, params, body }) => enterSecurityCode(ctx, params.unlockId, body),
    }),
    defineRoute({
      method: 'POST',
      url: '/v1/card-service/inspect',
      summary: "The card in the sponsor's second reader: its holder, and whether this session may unlock or renew it",
      tag: 'card-service',
      auth: 'session',
      body: CardServiceRequest,
      response: CardServiceInspection,
      handler: ({ ctx, session, body }) => inspectCard(ctx, session, body),
    }),
    defineRoute({
      method: 'POST',
      url: '/v1/card-service/unlock',
      summary: "Open a sponsor unlock of the card in the second reader (valid 10 minutes, while the sponsor's session lasts)",
      tag: 'card-service',
      auth: 'session',
      body: CardServiceRequest,
      response: SponsorUnlockResponse,
      handler: ({ ctx, session, body }) => startSponsorUnlock(ctx, session, body),
    }),
    defineRoute({
      method: 'POST',
      url: '/v1/unlock/:unlockId/card-witness',
      summary: "Card proof, step 1: decrypt the card's management-key witness and set it a challenge",
      tag: 'unlock',
      auth: 'none',
      params: UnlockParams,
      body: CardWitnessRequest,
      response: CardWitnessResponse,
      handler: ({ ctx, params, body }) => answerCardWitness(ctx, params.unlockId, body),
    }),
    defineRoute({
      method: 'POST',
      url: '/v1/unlock/:unlockId/release',
      summary: "Card proof, step 2: check the card's answer; returns its PUK and the PUK to replace it",
      tag: 'unlock',
      auth: 'none',
      params: UnlockParams,
      body: PukReleaseRequest,
      response: PukReleaseResponse,
      handler: ({ ctx, params, body }) => releasePuk(ctx, params.unlockId, body),
    }),
    defineRoute({
      method: 'POST',
      url: '/v1/unlock/:unlockId/commit',
      summary: 'The card holds the new PUK and passcode: make the new PUK current; pukOnly: the card already holds it, passcode not yet reset (repeatable)',
      tag: 'unlock',
      auth: 'none',
      params: UnlockParams,
      body: UnlockCommitRequest,
      response: UnlockCommitResponse,
      handler: ({ ctx, params, body }) => commitUnlock(ctx, params.unlockId, body),
    }),
  ];
}
