import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ServiceContext } from '../service-context.js';
import { ServiceError } from '../service-error.js';
import { pageHeaders, problemPage } from '../sign-in/sign-in-page.js';
import { nhsnetCallback, NHSNET_PATHS, startNhsnetLink, startNhsnetSignIn } from './nhsnet-connect.js';
import { signInFinisher } from './sign-in-finisher.js';

// The browser's round trip to NHS.net Connect: out from CIM's link or the sign-in page, back at
// the callback. A refusal is a page in the person's words; a fault is the service's.

const page = (reply: FastifyReply, status: number, heading: string, text: string): FastifyReply =>
  reply.status(status).headers(pageHeaders()).type('text/html; charset=utf-8').send(problemPage(heading, text));

async function answer(reply: FastifyReply, work: () => Promise<FastifyReply>): Promise<FastifyReply> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof ServiceError && err.status < 500) return page(reply, err.status, 'NHS.net Connect', err.message);
    throw err;
  }
}

export function registerNhsnetPages(app: FastifyInstance, ctx: ServiceContext): void {
  app.get<{ Querystring: { t?: string } }>(NHSNET_PATHS.link, (request, reply) =>
    answer(reply, async () => reply.redirect(await startNhsnetLink(ctx, String(request.query.t ?? '')), 303)),
  );
  app.get<{ Params: { uid: string } }>(NHSNET_PATHS.signIn, (request, reply) =>
    answer(reply, async () => reply.redirect(await startNhsnetSignIn(ctx, signInFinisher, request.params.uid), 303)),
  );
  app.get(NHSNET_PATHS.callback, (request, reply) =>
    answer(reply, async () => {
      const outcome = await nhsnetCallback(ctx, signInFinisher, new URL(request.url, 'http://callback.invalid'));
      if ('redirectTo' in outcome) return reply.redirect(outcome.redirectTo, 303);
      return page(reply, 200, 'NHS.net Connect is linked', 'You can now sign in to apps that accept high assurance with your NHS.net account. You can close this window.');
    }),
  );
}

/** What registerNhsnetPages serves besides the endpoint table. */
export const NHSNET_PAGE_ROUTES: readonly string[] = Object.values(NHSNET_PATHS).map((path) => `GET ${path}`);
