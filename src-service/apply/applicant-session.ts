import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServiceContext } from '../service-context.js';
import type { Db } from '../store/database.js';
import { inTransaction } from '../store/transaction.js';
import { tokenHash, type LinkPurpose } from './applicant-links.js';

// The applicant's browser session. Following a link shows a page that asks before it does
// anything (mail scanners fetch links); Continue uses the link up and hands the browser a fresh
// session token in an HttpOnly cookie, of which only the hash is kept on the link row. Each
// purpose has its own cookie, so the emailed and texted links can be open in one browser.

/** How long the applicant has to finish a step once they have used its link. */
const APPLICANT_SESSION_MS = 2 * 60 * 60 * 1000;

const cookieName = (purpose: LinkPurpose): string => `apply-${purpose}`;

/** What the applicant's pages need of the application. */
export interface ApplicantApplication {
  readonly id: number;
  readonly reference: string;
  readonly status: string;
  readonly orgName: string;
  readonly raisedBy: number;
  readonly givenName: string;
  readonly familyName: string;
  readonly dateOfBirth: string;
  readonly niNumber: string;
  readonly email: string;
  readonly mobile: string;
  readonly providesAddress: boolean;
  readonly address: { line1: string; line2: string | null; town: string; postcode: string } | null;
  readonly detailsConfirmedAt: number | null;
  readonly identitySubmittedAt: number | null;
}

/** A refusal shown as a page: what went wrong and what to do, in plain words. */
export interface Problem {
  readonly problem: true;
  readonly status: number;
  readonly heading: string;
  readonly text: string;
  /** The sponsor's address for applicants' queries, when they have one. */
  readonly queryEmail: string | null;
}

export interface ApplicantSession {
  readonly problem: false;
  readonly linkId: number;
  readonly purpose: LinkPurpose;
  /** The step is finished: only its "done" page is left to show. */
  readonly completed: boolean;
  readonly application: ApplicantApplication;
  /** The form token every POST of this session must carry. */
  readonly csrf: string;
}

const askSponsor = 'ask the person who applied for your Care ID (your sponsor) to resend the invite.';
const ASK_SPONSOR = `A${askSponsor.slice(1)}`;

const problem = (status: number, heading: string, text: string, queryEmail: string | null): Problem => ({ problem: true, status, heading, text, queryEmail });

function linkRows(db: Db) {
  return db
    .selectFrom('application_links as l')
    .innerJoin('applications as a', 'a.id', 'l.application_id')
    .innerJoin('organisations as o', 'o.id', 'a.org_id')
    .leftJoin('apply_settings as s', 's.user_id', 'a.raised_by')
    .select([
      'l.id as linkId',
      'l.purpose',
      'l.expires_at as expiresAt',
      'l.opened_at as openedAt',
      'l.session_expires_at as sessionExpiresAt',
      'l.completed_at as completedAt',
      'l.void_at as voidAt',
      's.query_email as queryEmail',
      'a.id',
      'a.reference',
      'a.status',
      'o.name as orgName',
      'a.raised_by as raisedBy',
      'a.given_name as givenName',
      'a.family_name as familyName',
      'a.date_of_birth as dateOfBirth',
      'a.ni_number as niNumber',
      'a.email',
      'a.mobile',
      'a.applicant_provides_address as providesAddress',
      'a.address_line1 as line1',
      'a.address_line2 as line2',
      'a.address_town as town',
      'a.address_postcode as postcode',
      'a.details_confirmed_at as detailsConfirmedAt',
      'a.identity_submitted_at as identitySubmittedAt',
    ]);
}

type LinkRow = NonNullable<Awaited<ReturnType<ReturnType<typeof linkRows>['executeTakeFirst']>>>;

function applicationOf(r: LinkRow): ApplicantApplication {
  return {
    id: r.id,
    reference: r.reference,
    status: r.status,
    orgName: r.orgName,
    raisedBy: r.raisedBy,
    givenName: r.givenName,
    familyName: r.familyName,
    dateOfBirth: r.dateOfBirth,
    niNumber: r.niNumber,
    email: r.email,
    mobile: r.mobile,
    providesAddress: r.providesAddress === 1,
    address: r.line1 !== null && r.town !== null && r.postcode !== null ? { line1: r.line1, line2: r.line2, town: r.town, postcode: r.postcode } : null,
    detailsConfirmedAt: r.detailsConfirmedAt,
    identitySubmittedAt: r.identitySubmittedAt,
  };
}

/** An application that is no longer in progress answers every link and session the same way. */
function closedProblem(r: LinkRow): Problem | undefined {
  if (r.status === 'cancelled') return problem(410, 'This application has been cancelled', `Your sponsor cancelled your Care ID application, so its links no longer work. If you still need a Care ID, ${askSponsor}`, r.queryEmail);
  if (r.status !== 'in-progress') return problem(410, 'This application is closed', 'A decision has been made on your Care ID application, so its links no longer work. Your sponsor will tell you what happens next.', r.queryEmail);
  return undefined;
}

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{20,100}$/;

/** The link `token` names, if it can still be used; otherwise the page saying why not. */
export async function usableLink(ctx: ServiceContext, token: string): Promise<{ problem: false; purpose: LinkPurpose; application: ApplicantApplication } | Problem> {
  const unknown = problem(404, 'This link is not valid', `Check that you opened the whole link from your email or text message. If it still does not work, ${askSponsor}`, null);
  if (!TOKEN_SHAPE.test(token)) return unknown;
  const row = await linkRows(ctx.db).where('l.token_hash', '=', tokenHash(token)).executeTakeFirst();
  if (!row) return unknown;
  const closed = closedProblem(row);
  if (closed) return closed;
  if (row.voidAt !== null) return problem(410, 'This link is no longer valid', `A newer link has been sent to you: use the one in your latest email or text message. If you cannot find it, ${askSponsor}`, row.queryEmail);
  if (row.openedAt !== null || row.completedAt !== null) return problem(410, 'This link has already been used', `Each link can be used once. If you did not finish, ${askSponsor}`, row.queryEmail);
  if (row.expiresAt <= ctx.now().getTime()) return problem(410, 'This link has expired', `Links last 14 days. ${ASK_SPONSOR}`, row.queryEmail);
  return { problem: false, purpose: row.purpose, application: applicationOf(row) };
}

/**
 * Uses the link up and starts the applicant's session: the link is marked opened (so it works
 * once), the step is marked started, and the browser gets the session cookie. A link that
 * another request used up a moment before is refused as used.
 */
export async function openLink(ctx: ServiceContext, token: string, reply: FastifyReply): Promise<{ problem: false; purpose: LinkPurpose } | Problem> {
  const sessionToken = randomBytes(32).toString('base64url');
  const outcome = await inTransaction(ctx.db, async (trx) => {
    const now = ctx.now().getTime();
    const found = await usableLink({ ...ctx, db: trx }, token);
    if (found.problem) return found;
    const opened = await trx
      .updateTable('application_links')
      .set({ opened_at: now, session_hash: tokenHash(sessionToken), session_expires_at: now + APPLICANT_SESSION_MS })
      .where('token_hash', '=', tokenHash(token))
      .where('opened_at', 'is', null)
      .where('void_at', 'is', null)
      .executeTakeFirst();
    if (Number(opened.numUpdatedRows) !== 1) return problem(410, 'This link has already been used', `Each link can be used once. If you did not finish, ${askSponsor}`, null);
    const started = found.purpose === 'details' ? 'details_started_at' : 'identity_started_at';
    await trx.updateTable('applications').set({ last_activity_at: now }).where('id', '=', found.application.id).execute();
    await trx.updateTable('applications').set({ [started]: now }).where('id', '=', found.application.id).where(started, 'is', null).execute();
    return { problem: false as const, purpose: found.purpose };
  });
  if (outcome.problem) return outcome;
  const secure = ctx.publicOrigin.startsWith('https:') ? '; Secure' : '';
  void reply.header('set-cookie', `${cookieName(outcome.purpose)}=${sessionToken}; Path=/apply; HttpOnly; SameSite=Lax; Max-Age=${APPLICANT_SESSION_MS / 1000}${secure}`);
  return outcome;
}

function cookieValue(request: FastifyRequest, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

/** The per-session form token: a MAC of the session token, so it needs no storage and no other session's token fits. */
const csrfOf = (ctx: ServiceContext, sessionToken: string): string => createHmac('sha256', ctx.dataKey).update(`apply-form:${sessionToken}`).digest('base64url');

/** Whether a POST's form token is this session's. */
export function csrfMatches(session: ApplicantSession, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(session.csrf);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The browser's session for the `purpose` step's pages, or the page saying why there is none. */
export async function applicantSession(ctx: ServiceContext, request: FastifyRequest, purpose: LinkPurpose): Promise<ApplicantSession | Problem> {
  const ended = problem(
    401,
    'Your session has ended',
    `Open the newest link in your ${purpose === 'details' ? 'email' : 'text message'} to continue. If you have already used it, ${askSponsor}`,
    null,
  );
  const sessionToken = cookieValue(request, cookieName(purpose));
  if (sessionToken === undefined || !TOKEN_SHAPE.test(sessionToken)) return ended;
  const row = await linkRows(ctx.db).where('l.session_hash', '=', tokenHash(sessionToken)).executeTakeFirst();
  if (!row || row.purpose !== purpose) return ended;
  const closed = closedProblem(row);
  if (closed) return closed;
  if (row.voidAt !== null) return problem(410, 'This link is no longer valid', `A newer link has been sent to you: use the one in your latest email or text message.`, row.queryEmail);
  if ((row.sessionExpiresAt ?? 0) <= ctx.now().getTime()) return { ...ended, queryEmail: row.queryEmail };
  return { problem: false, linkId: row.linkId, purpose, completed: row.completedAt !== null, application: applicationOf(row), csrf: csrfOf(ctx, sessionToken) };
}

/** Marks the applicant's last action (the 3-day resend rule counts from it). */
async function touchApplication(trx: Db, applicationId: number, now: number): Promise<void> {
  await trx.updateTable('applications').set({ last_activity_at: now }).where('id', '=', applicationId).execute();
}

/**
 * Runs an applicant's change in one transaction, only if their link is still open then (not
 * finished, not voided, the application still in progress): an upload can take minutes, and
 * the sponsor may cancel meanwhile. False when it was not run.
 */
export async function whileOpen(ctx: ServiceContext, s: ApplicantSession, work: (trx: Db, now: Date) => Promise<void>): Promise<boolean> {
  return inTransaction(ctx.db, async (trx) => {
    const open = await trx
      .selectFrom('application_links as l')
      .innerJoin('applications as a', 'a.id', 'l.application_id')
      .select('l.id')
      .where('l.id', '=', s.linkId)
      .where('l.void_at', 'is', null)
      .where('l.completed_at', 'is', null)
      .where('a.status', '=', 'in-progress')
      .executeTakeFirst();
    if (!open) return false;
    const now = ctx.now();
    await work(trx, now);
    await touchApplication(trx, s.application.id, now.getTime());
    return true;
  });
}
