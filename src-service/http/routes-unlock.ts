import { SERVICE_ENDPOINTS } from '../../src-shared/api/service-endpoints.js';
import { startCardProof } from '../unlock/card-proof.js';
import { inspectCard } from '../unlock/card-service.js';
import { answerCardWitness } from '../unlock/card-witness.js';
import { enterSecurityCode } from '../unlock/code-entry.js';
import { commitUnlock, releasePuk } from '../unlock/puk-rotation.js';
import { startSelfUnlock } from '../unlock/self-unlock.js';
import { startSponsorUnlock } from '../unlock/sponsor-unlock.js';
import { route, type AnyRoute } from './route.js';

// Unlocking a locked smartcard: self-service (a security code to the holder) or by a sponsor or
// local smartcard administrator signed in at the workstation; then the same three card steps
// (witness, release, commit). The card steps carry no session: the unlock id is the capability,
// bound to the workstation that started the unlock (src-shared/api/service-unlock.ts).

/** The unlock endpoints. */
export function unlockRoutes(): AnyRoute[] {
  return [
    route(SERVICE_ENDPOINTS.cardProofWitness, ({ ctx, body }) => startCardProof(ctx, body)),
    route(SERVICE_ENDPOINTS.selfUnlock, ({ ctx, body }) => startSelfUnlock(ctx, body)),
    route(SERVICE_ENDPOINTS.unlockCode, ({ ctx, params, body }) => enterSecurityCode(ctx, params.unlockId, body)),
    route(SERVICE_ENDPOINTS.inspectCard, ({ ctx, session, body }) => inspectCard(ctx, session, body)),
    route(SERVICE_ENDPOINTS.sponsorUnlock, ({ ctx, session, body }) => startSponsorUnlock(ctx, session, body)),
    route(SERVICE_ENDPOINTS.unlockCardWitness, ({ ctx, params, body }) => answerCardWitness(ctx, params.unlockId, body)),
    route(SERVICE_ENDPOINTS.releasePuk, ({ ctx, params, body }) => releasePuk(ctx, params.unlockId, body)),
    route(SERVICE_ENDPOINTS.commitUnlock, ({ ctx, params, body }) => commitUnlock(ctx, params.unlockId, body)),
  ];
}
