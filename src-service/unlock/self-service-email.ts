import { SELF_SERVICE_EMAIL_DOMAINS } from '../../src-shared/api/service-common.js';

// Which email addresses self-service may send security codes to: those in a configured domain
// (ServiceConfig.unlockEmailDomains; the NHS, AC and GOV domains unless a deployment says
// otherwise), or in a subdomain of one. Checked when a holder sets their own email, and again
// when a code is sent, so a changed configuration is obeyed at once.

/** Whether `email`'s domain is one of `domains` or a subdomain of one (case-insensitive). */
export function isAllowedEmail(email: string, domains: readonly string[]): boolean {
  const at = email.lastIndexOf('@');
  if (at <= 0) return false;
  const domain = email.slice(at + 1).toLowerCase();
  return domains.some((d) => domain === d || domain.endsWith(`.${d}`));
}

const isDefaultList = (domains: readonly string[]): boolean =>
  domains.length === SELF_SERVICE_EMAIL_DOMAINS.length && SELF_SERVICE_EMAIL_DOMAINS.every((d) => domains.includes(d));

/** How to describe the allowed addresses to a person. */
export function allowedEmailWords(domains: readonly string[]): string {
  return isDefaultList(domains)
    ? `an NHS, AC or GOV email address (${domains.join(', ')})`
    : `an email address in one of these domains: ${domains.join(', ')}`;
}

/** The field message when someone sets an email self-service could not use. */
export function selfServiceEmailMessage(domains: readonly string[]): string {
  return `use ${allowedEmailWords(domains)}: self-service functions such as smartcard self unlock send their security codes to it`;
}
