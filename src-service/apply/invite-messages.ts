import { APPLICANT_LINK_VALID_DAYS } from '../../src-shared/api/apply.js';
import type { ServiceContext } from '../service-context.js';
import { applicantLinkUrl, type MintedLink } from './applicant-links.js';

// The applicant's invite: an email with the link to confirm their details, and a text message
// with the link to prove their identity. Sent only after the transaction that minted the links
// has committed. A message that cannot be sent does not undo the application: the sponsor sees
// it in the dashboard and may Resend.

export const INVITE_EMAIL_SUBJECT = 'Confirm your details for your Care ID application';

/** Who the invite is to and from, and the links it carries. */
export interface Invite {
  readonly reference: string;
  readonly givenName: string;
  readonly email: string;
  readonly mobile: string;
  readonly orgName: string;
  /** The sponsor's address for applicants' queries (apply_settings.query_email). */
  readonly queryEmail: string;
  readonly links: readonly MintedLink[];
}

export function inviteEmailText(ctx: Pick<ServiceContext, 'publicOrigin'>, invite: Invite, token: string): string {
  return [
    `Dear ${invite.givenName},`,
    '',
    `${invite.orgName} has applied for a Care ID (an NHS smartcard) for you. Application ID: ${invite.reference}.`,
    '',
    'Confirm your personal details using this link:',
    applicantLinkUrl(ctx, token),
    '',
    `The link expires in ${APPLICANT_LINK_VALID_DAYS} days and can be used once. We will also send you a text message with a link to prove your identity.`,
    '',
    `If you have a question about your application, email ${invite.queryEmail}.`,
  ].join('\n');
}

export function inviteText(ctx: Pick<ServiceContext, 'publicOrigin'>, invite: Invite, token: string): string {
  return `Prove your identity for your Care ID application: ${applicantLinkUrl(ctx, token)} (expires in ${APPLICANT_LINK_VALID_DAYS} days). From ${invite.orgName}.`;
}

/**
 * Sends each minted link by its channel: details by email, identity by text. Returns whether
 * every message was taken; failures are swallowed (the application stands, Resend is there).
 */
export async function sendInvite(ctx: ServiceContext, invite: Invite): Promise<boolean> {
  let allSent = true;
  for (const link of invite.links) {
    try {
      if (link.purpose === 'details') {
        if (!ctx.mailer) throw new Error('no mailer');
        await ctx.mailer.send({ kind: 'contact-changed', to: invite.email, subject: INVITE_EMAIL_SUBJECT, text: inviteEmailText(ctx, invite, link.token), reference: `${invite.reference}-details` });
      } else {
        if (!ctx.smsSender) throw new Error('no text message sender');
        await ctx.smsSender.send({ kind: 'contact-changed', to: invite.mobile, text: inviteText(ctx, invite, link.token), reference: `${invite.reference}-identity` });
      }
    } catch {
      allSent = false;
    }
  }
  return allSent;
}

/** Sends several invites one after another (a bulk send, Resend selected). */
export async function sendInvites(ctx: ServiceContext, invites: readonly Invite[]): Promise<void> {
  for (const invite of invites) await sendInvite(ctx, invite);
}
