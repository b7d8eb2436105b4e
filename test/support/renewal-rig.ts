import { X509Certificate } from 'node:crypto';
import { parseCertificateObject } from '../../src-shared/card/piv-objects.js';
import type { RenewalView } from '../../src-shared/api/agent-api.js';
import type { RunningService } from '../../src-service/start-service.js';
import { SLOT } from '../../src-main/card/piv/piv-constants.js';
import type { PivCardEngine } from '../../src-main/virtual-card/piv-card-engine.js';
import type { AgentState } from '../../src-shared/api/agent-api.js';

// What the renewal tests look at: the renewal on screen, the certificate a card holds, and what
// the service holds for that card (its live certificates, revoked ones). (Not a test file.)

/** The renewal under way on the signed-in screen or the recovery screen, if any. */
export function renewalOf(state: Pick<AgentState, 'screen'>): RenewalView | null {
  const screen = state.screen;
  if (screen.kind === 'signed-in') return screen.renewal;
  if (screen.kind === 'renewal-recovery') return screen.renewal;
  return null;
}

/** The 9A certificate on the card, DER. */
export function cardCertificate(engine: PivCardEngine): Buffer {
  const object = engine.snapshot().objects[SLOT.AUTHENTICATION.certificateObject.toString(16)];
  if (!object) throw new Error('the card holds no 9A certificate');
  return parseCertificateObject(Buffer.from(object, 'hex'));
}

/** The serial of a DER certificate as the service stores it. */
const serialOf = (der: Buffer): string => new X509Certificate(der).serialNumber;

export interface ServiceCertificates {
  readonly live: string[];
  readonly revoked: { serial: string; reason: string | null }[];
}

/** The card's certificates at the service: live (not revoked) and revoked, by serial (uppercase hex). */
export async function serviceCertificates(service: RunningService, cardUuid: string): Promise<ServiceCertificates> {
  const rows = await service.ctx.db
    .selectFrom('certificates as c')
    .innerJoin('cards as k', 'k.id', 'c.card_id')
    .select(['c.serial', 'c.revoked_at as revokedAt', 'c.revocation_reason as reason'])
    .where('k.uuid', '=', cardUuid)
    .orderBy('c.not_before')
    .orderBy('c.serial')
    .execute();
  const norm = (s: string): string => s.toUpperCase().replace(/^0+/, '');
  return {
    live: rows.filter((r) => r.revokedAt === null).map((r) => norm(r.serial)),
    revoked: rows.filter((r) => r.revokedAt !== null).map((r) => ({ serial: norm(r.serial), reason: r.reason })),
  };
}

/** The serial as serviceCertificates gives it. */
export const normSerial = (der: Buffer): string => serialOf(der).toUpperCase().replace(/^0+/, '');
