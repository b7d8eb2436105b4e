import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { requiredAalOf } from '../oidc/finish-sign-in.js';
import { oidcOf } from '../oidc/oidc-runtime.js';
import type { ServiceContext } from '../service-context.js';
import { ServiceError } from '../service-error.js';
import { registerSignInAssets } from './sign-in-assets.js';
import { methodsMeeting, SIGN_IN_METHODS, type SignInMethod } from './sign-in-methods.js';
import { pageHeaders, problemPage, signInPage } from './sign-in-page.js';
import { agentBridgeUrlOf } from './smartcard-method.js';

// GET /oidc/interaction/:uid: the provider sends the browser here to sign in. The page is shown
// only to the browser holding the interaction's cookie (set by the provider when the app sent
// the browser to it): a page opened for someone else's interaction would otherwise sign this
// browser's card holder in to the other browser's app. Everything else (an unknown or finished
// interaction, no cookie) is a page saying to start again from the app.

export const SIGN_IN_PAGE_PATH = '/oidc/interaction/:uid';

const START_AGAIN = 'Go back to the app you were using and sign in again.';

/** Whether this browser holds interaction `uid`'s cookie (signed by the provider, checked by it). */
async function holdsInteraction(ctx: ServiceContext, request: FastifyRequest, reply: FastifyReply, uid: string): Promise<boolean> {
  try {
    return (await (await oidcOf(ctx).provider()).interactionDetails(request.raw, reply.raw)).uid === uid;
  } catch {
    return false;
  }
}

const send = (reply: FastifyReply, status: number, body: string, connectTo: readonly string[] = []): FastifyReply =>
  reply.status(status).headers(pageHeaders(connectTo)).type('text/html; charset=utf-8').send(body);

/**
 * The sign-in page and its assets. `limited`: the request limits of requests without a session
 * (each showing of the page writes a ticket).
 */
export function registerSignInPages(app: FastifyInstance, ctx: ServiceContext, limited?: onRequestAsyncHookHandler, methods: readonly SignInMethod[] = SIGN_IN_METHODS): void {
  registerSignInAssets(app);
  app.get<{ Params: { uid: string } }>(SIGN_IN_PAGE_PATH, { ...(limited ? { onRequest: limited } : {}) }, async (request, reply) => {
    const uid = request.params.uid;
    const expired = () => send(reply, 404, problemPage('This sign-in has expired', `Sign-in pages last a few minutes. ${START_AGAIN}`));
    if (!/^[A-Za-z0-9_-]{8,128}$/.test(uid)) return expired();
    let required: Awaited<ReturnType<typeof requiredAalOf>>;
    try {
      required = await requiredAalOf(ctx, uid);
    } catch (err) {
      if (!(err instanceof ServiceError) || err.status >= 500) throw err;
      return expired();
    }
    if (!(await holdsInteraction(ctx, request, reply, uid))) {
      return send(reply, 400, problemPage('This sign-in cannot continue here', `This page was not opened by an app in this browser. ${START_AGAIN}`));
    }
    const offered = methodsMeeting(required.aal, methods);
    const input = { ctx, clientName: required.clientName, requiredAal: required.aal };
    const sections = await Promise.all(offered.map(async (m) => m.render(uid, input)));
    const body = signInPage({
      clientName: required.clientName,
      requiredAal: required.aal,
      sections: sections.map((s) => s.body),
      scripts: sections.flatMap((s) => s.scripts ?? []),
    });
    return send(reply, 200, body, [new URL(agentBridgeUrlOf(ctx)).origin]);
  });
}
