import { seal } from '../../../../src-service/crypto/secret-box.js';
import { actor, addPosition } from '../../../support/service-fixtures.js';
import { addApplication, type ApplicationFields } from '../../../support/apply-fixtures.js';
import type { Harness } from '../cim/cim-harness.js';

// Applications at the ID check, for the checks-* and permission tests: raised by a sponsor,
// both applicant steps finished (unless a test says otherwise), identity documents sealed as the
// applicant's pages seal them. (Not a test file: vitest only collects *.test.ts.)

let applicants = 0;
/** A National Insurance number no other applicant or test user in this process holds. */
export function applicantNi(): string {
  applicants++;
  return `JC${String(500000 + applicants).padStart(6, '0')}B`;
}

/** A small PNG's worth of bytes: the service never looks inside a stored document. */
export const DOCUMENT_BYTES = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(2048, 7)]);

export interface ReadyApplication {
  readonly id: number;
  readonly reference: string;
  readonly positionId: number;
  readonly niNumber: string;
  readonly sponsor: { userId: number; uuid: string; token: string };
}

/**
 * An application raised by a sponsor (S) at `orgId` for a new position there, its applicant's
 * details confirmed and identity documents submitted: ready for the ID check.
 */
export async function readyApplication(h: Harness, orgId: number, fields: ApplicationFields = {}): Promise<ReadyApplication> {
  const sponsor = await actor(h.db, orgId, ['S'], 'Sponsor');
  const positionId = await addPosition(h.db, { orgId, title: 'Healthcare Assistant' });
  const at = h.service.ctx.now().getTime() - 3_600_000;
  const niNumber = fields.ni_number ?? applicantNi();
  const { id, reference } = await addApplication(h.db, {
    orgId,
    raisedBy: sponsor.userId,
    at: new Date(at - 86_400_000),
    position_id: positionId,
    ni_number: niNumber,
    date_of_birth: '1994-02-03',
    details_started_at: at,
    details_confirmed_at: at,
    identity_started_at: at,
    identity_submitted_at: at,
    last_activity_at: at,
    ...fields,
  });
  return { id, reference, positionId, niNumber, sponsor };
}

/** An identity document as the applicant's upload stores it: sealed under 'application-document:<applicationId>:<kind>'. */
export async function addDocument(h: Harness, applicationId: number, kind = 'passport', bytes: Buffer = DOCUMENT_BYTES): Promise<number> {
  const { id } = await h.db
    .insertInto('application_documents')
    .values({
      application_id: applicationId,
      kind,
      mime: 'image/png',
      size_bytes: bytes.length,
      sealed: seal(h.service.ctx.dataKey, bytes, `application-document:${applicationId}:${kind}`),
      uploaded_at: h.service.ctx.now().getTime() - 3_600_000,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}
