import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { ServiceContext } from '../service-context.js';
import { pageHeaders } from '../sign-in/sign-in-page.js';
import type { LinkPurpose } from './applicant-links.js';
import { addressPage, changeDetailsPage, checkAnswersPage, checkDetailsPage, confirmDetails, detailsDonePage, saveAddress, saveDetails, type Outcome } from './applicant-details.js';
import { FORM_BODY_LIMIT, readForm } from './applicant-form.js';
import { chooseDocumentPage, documentUploadPage, FORM_EXPIRED, identityCheckPage, identityDonePage, photoUploadPage, submitIdentity, takeUpload } from './applicant-identity.js';
import { APPLICANT_PATHS as P, landingPage, problemPageOf } from './applicant-pages.js';
import { applicantSession, csrfMatches, openLink, usableLink, type ApplicantSession, type Problem } from './applicant-session.js';
import { UPLOAD_LIMITS } from './applicant-upload.js';
import { UPLOAD_PROGRESS_SCRIPT } from './applicant-upload-script.js';

// The applicant's pages (Apply for Care ID), reached only through the emailed and texted links.
// No smartcard and no account: a link starts a short browser session (applicant-session.ts).
// Every route is under the request limits of the endpoints without a session; forms are plain
// HTML (the pages' own parser, small), and only the two upload routes take multipart.

const html = (reply: FastifyReply, status: number, body: string): FastifyReply => reply.status(status).headers(pageHeaders()).type('text/html; charset=utf-8').send(body);

const problemReply = (reply: FastifyReply, p: Problem): FastifyReply => html(reply, p.status, problemPageOf(p));

const answer = (reply: FastifyReply, outcome: Outcome): FastifyReply =>
  'redirect' in outcome ? reply.headers({ 'cache-control': 'no-store' }).redirect(outcome.redirect, 303) : html(reply, outcome.status, outcome.body);

const expired = (reply: FastifyReply): FastifyReply => problemReply(reply, { problem: true, ...FORM_EXPIRED, queryEmail: null });

type Step = (s: ApplicantSession, request: FastifyRequest) => Outcome | Promise<Outcome>;

export function registerApplicantPages(app: FastifyInstance, ctx: ServiceContext, limited: onRequestAsyncHookHandler): void {
  app.get(P.uploadScript, async (_request, reply) =>
    reply.headers({ 'content-type': 'text/javascript; charset=utf-8', 'x-content-type-options': 'nosniff', 'cache-control': 'public, max-age=3600' }).send(UPLOAD_PROGRESS_SCRIPT),
  );

  /** A page of the `purpose` step, for the browser holding its session. */
  const page =
    (purpose: LinkPurpose, step: Step) =>
    async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
      const s = await applicantSession(ctx, request, purpose);
      if (s.problem) return problemReply(reply, s);
      return answer(reply, await step(s, request));
    };
  /** A form post of the `purpose` step: refused unless it carries the session's form token. */
  const post = (purpose: LinkPurpose, step: Step) =>
    page(purpose, (s, request) => (csrfMatches(s, (request.body instanceof URLSearchParams ? request.body : new URLSearchParams()).get('csrf')) ? step(s, request) : { status: 403, body: problemPageOf({ problem: true, ...FORM_EXPIRED, queryEmail: null }) }));

  void app.register(async (scope) => {
    scope.addHook('onRequest', limited);
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT }, (_request, body, done) => {
      done(null, new URLSearchParams(String(body)));
    });
    // Whatever the framework refuses (a body too large, a type no form sends) is a page too.
    scope.setErrorHandler((err, _request, reply) => {
      const status = (err as { statusCode?: number }).statusCode ?? 500;
      if (status === 413) return problemReply(reply, { problem: true, status, heading: 'What you sent was too large', text: 'Go back and try again. Photos must be smaller than 10 MB.', queryEmail: null });
      if (status >= 400 && status < 500) return problemReply(reply, { problem: true, status: 400, heading: 'This page could not be read', text: 'Go back, refresh the page and try again.', queryEmail: null });
      return problemReply(reply, { problem: true, status: 500, heading: 'Sorry, there is a problem with the service', text: 'Try again later. Nothing you entered has been lost.', queryEmail: null });
    });

    scope.get<{ Params: { token: string } }>(P.link, async (request, reply) => {
      const found = await usableLink(ctx, request.params.token);
      if (found.problem) return problemReply(reply, found);
      return html(reply, 200, landingPage(found.purpose, found.application, `/apply/link/${request.params.token}`));
    });
    scope.post<{ Params: { token: string } }>(P.link, async (request, reply) => {
      const opened = await openLink(ctx, request.params.token, reply);
      if (opened.problem) return problemReply(reply, opened);
      return reply.redirect(opened.purpose === 'details' ? P.details : P.identity, 303);
    });

    scope.get(P.details, page('details', checkDetailsPage));
    scope.get(P.detailsChange, page('details', changeDetailsPage));
    scope.post(P.detailsChange, post('details', (s, r) => saveDetails(ctx, s, r.body)));
    scope.get(P.detailsAddress, page('details', addressPage));
    scope.post(P.detailsAddress, post('details', (s, r) => saveAddress(ctx, s, r.body)));
    scope.get(P.detailsCheck, page('details', (s) => checkAnswersPage(s)));
    scope.post(P.detailsConfirm, post('details', (s, r) => confirmDetails(ctx, s, r.body)));
    scope.get(P.detailsDone, page('details', detailsDonePage));

    scope.get(P.identity, page('identity', chooseDocumentPage));
    scope.get<{ Querystring: { type?: string } }>(P.identityDocument, page('identity', (s, r) => documentUploadPage(s, (r.query as { type?: unknown }).type)));
    scope.get(P.identityPhoto, page('identity', photoUploadPage));
    scope.get(P.identityCheck, page('identity', (s) => identityCheckPage(ctx, s)));
    scope.post(P.identitySubmit, post('identity', (s, r) => submitIdentity(ctx, s, readForm(r.body, []))));
    scope.get(P.identityDone, page('identity', identityDonePage));

    // Multipart only here, with its limits: one file of at most MAX_UPLOAD_BYTES and a few small fields.
    await scope.register(async (uploads) => {
      await uploads.register(multipart, { limits: UPLOAD_LIMITS });
      for (const [path, slot] of [
        [P.identityDocument, 'document'],
        [P.identityPhoto, 'face-photo'],
      ] as const) {
        uploads.post(path, async (request, reply) => {
          const s = await applicantSession(ctx, request, 'identity');
          if (s.problem) {
            // The upload is read (and dropped) first, so the browser gets the page, not a reset connection.
            await drain(request);
            return problemReply(reply, s);
          }
          const outcome = await takeUpload(ctx, s, slot, request);
          return outcome === 'form-expired' ? expired(reply) : answer(reply, outcome);
        });
      }
    });
  });
}

/** Reads a request's body to its end without keeping it. */
async function drain(request: FastifyRequest): Promise<void> {
  try {
    for await (const chunk of request.raw) void chunk;
  } catch {
    // A body that breaks off is as good as read.
  }
}

/** What registerApplicantPages serves besides the endpoint table. */
export const APPLICANT_PAGE_ROUTES: readonly string[] = [
  `GET ${P.uploadScript}`,
  `GET ${P.link}`,
  `POST ${P.link}`,
  `GET ${P.details}`,
  `GET ${P.detailsChange}`,
  `POST ${P.detailsChange}`,
  `GET ${P.detailsAddress}`,
  `POST ${P.detailsAddress}`,
  `GET ${P.detailsCheck}`,
  `POST ${P.detailsConfirm}`,
  `GET ${P.detailsDone}`,
  `GET ${P.identity}`,
  `GET ${P.identityDocument}`,
  `POST ${P.identityDocument}`,
  `GET ${P.identityPhoto}`,
  `POST ${P.identityPhoto}`,
  `GET ${P.identityCheck}`,
  `POST ${P.identitySubmit}`,
  `GET ${P.identityDone}`,
];
