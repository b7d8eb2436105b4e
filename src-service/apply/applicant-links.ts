import { createHash, randomBytes } from 'node:crypto';
import { APPLICANT_LINK_VALID_DAYS } from '../../src-shared/api/apply.js';
import type { ServiceContext } from '../service-context.js';
import type { Db } from '../store/database.js';

// The applicant's two links: the emailed one (confirm personal details and the delivery
// address) and the texted one (the identity check). Each is a random token of which only the
// SHA-256 is kept; a resend mints new ones and voids the old, and an application that closes
// (approved, duplicate, rejected, cancelled) voids them all, so no link outlives its purpose.

export type LinkPurpose = 'details' | 'identity';

const DAY_MS = 86_400_000;

export const tokenHash = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

/** The address an applicant's link opens: the service's own page, which asks before it uses the link up. */
export const applicantLinkUrl = (ctx: Pick<ServiceContext, 'publicOrigin'>, token: string): string => `${ctx.publicOrigin}/apply/link/${token}`;

export interface MintedLink {
  readonly purpose: LinkPurpose;
  readonly token: string;
  readonly expiresAt: Date;
}

/**
 * New links for `purposes` (the steps the applicant has still to finish), voiding any earlier
 * link of the same purpose. In the caller's transaction; the caller sends them after it commits.
 */
export async function mintApplicantLinks(trx: Db, applicationId: number, purposes: readonly LinkPurpose[], now: Date): Promise<MintedLink[]> {
  const minted: MintedLink[] = [];
  for (const purpose of purposes) {
    await trx
      .updateTable('application_links')
      .set({ void_at: now.getTime() })
      .where('application_id', '=', applicationId)
      .where('purpose', '=', purpose)
      .where('void_at', 'is', null)
      .where('completed_at', 'is', null)
      .execute();
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + APPLICANT_LINK_VALID_DAYS * DAY_MS);
    await trx
      .insertInto('application_links')
      .values({ application_id: applicationId, purpose, token_hash: tokenHash(token), created_at: now.getTime(), expires_at: expiresAt.getTime() })
      .execute();
    minted.push({ purpose, token, expiresAt });
  }
  return minted;
}

/**
 * What closing an application does to the applicant's side: every link and browser session
 * stops working, and the identity documents are deleted (they were only ever for this check).
 * In the caller's transaction, with the status change.
 */
export async function closeApplicantAccess(trx: Db, applicationId: number, now: Date): Promise<void> {
  await trx.updateTable('application_links').set({ void_at: now.getTime() }).where('application_id', '=', applicationId).where('void_at', 'is', null).execute();
  await trx.deleteFrom('application_documents').where('application_id', '=', applicationId).execute();
}
