import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { methodsMeeting, SIGN_IN_METHODS, type SignInMethod } from '../../../../src-service/sign-in/sign-in-methods.js';
import { html } from '../../../../src-service/sign-in/html.js';
import { startSignInRig, type SignInRig } from './sign-in-rig.js';

// The sign-in page the provider sends the browser to: the app's name, only the ways of signing in
// that reach what the app needs, accessible markup, a strict CSP, and a clear page (never a
// stack trace or JSON) for an interaction that is unknown, finished, or not this browser's.

let rig: SignInRig;
beforeAll(async () => {
  rig = await startSignInRig();
});
afterAll(() => rig.close());

const count = (text: string, pattern: RegExp): number => text.match(new RegExp(pattern.source, 'g'))?.length ?? 0;

describe('the sign-in page', () => {
  it('rule: one h1 "Sign in", the app’s name (escaped), and for an AAL3 app "This app needs a smartcard" with the smartcard offered', async () => {
    const { uid, cookie } = await rig.begin('ward-app');
    const page = await rig.page(uid, cookie);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(count(page.html, /<h1\b/)).toBe(1);
    expect(page.html).toMatch(/<h1 class="nhsuk-heading-l">Sign in<\/h1>/);
    expect(page.html).toContain('Ward Rounds &lt;Beta&gt; &amp; Co');
    expect(page.html).not.toContain('<Beta>');
    expect(page.html).toContain('This app needs a smartcard (very high assurance)');
    expect(page.html).toContain('id="smartcard-sign-in"');
    expect(page.html).toContain(`data-uid="${uid}"`);
  });

  it('rule: an app that accepts AAL2 is not told it needs a smartcard, and the smartcard is still offered', async () => {
    const { uid, cookie } = await rig.begin('rota-app');
    const page = await rig.page(uid, cookie);
    expect(page.status).toBe(200);
    expect(page.html).toContain('Staff Rota');
    expect(page.html).not.toContain('needs a smartcard');
    expect(page.html).toContain('id="smartcard-sign-in"');
  });

  it('rule: acr_values AAL3_ANY in the request makes an AAL2 app’s page AAL3 too', async () => {
    const { uid, cookie } = await rig.begin('rota-app', 'AAL3_ANY');
    expect((await rig.page(uid, cookie)).html).toContain('This app needs a smartcard');
  });

  it('rule: a strict CSP: scripts and styles from the service only, connections to the agent’s bridge only, no framing; nothing inline', async () => {
    const { uid, cookie } = await rig.begin('ward-app');
    const page = await rig.page(uid, cookie);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain(`connect-src 'self' ${new URL(/data-bridge="([^"]+)"/.exec(page.html)?.[1] as string).origin}`);
    expect(page.headers.get('cache-control')).toBe('no-store');
    // Every script is a file (no inline code, no event attributes); every stylesheet is the service's.
    for (const tag of page.html.match(/<script\b[^>]*>/g) ?? []) expect(tag).toMatch(/ src="\/sign-in\/assets\//);
    expect(page.html).not.toMatch(/<script\b[^>]*>[^<]+<\/script>/);
    expect(page.html).not.toMatch(/\son[a-z]+=/i);
    expect(page.html).not.toMatch(/<style\b/);
  });

  it('rule: the page’s CSS and script are served by the service itself', async () => {
    const { uid, cookie } = await rig.begin('ward-app');
    const page = await rig.page(uid, cookie);
    for (const href of [...page.html.matchAll(/(?:href|src)="(\/sign-in\/assets\/[^"]+)"/g)].map((m) => m[1] as string)) {
      const asset = await fetch(`${rig.service.ctx.publicOrigin}${href}`);
      expect(asset.status, href).toBe(200);
      expect(asset.headers.get('content-type'), href).toMatch(href.endsWith('.css') ? /^text\/css/ : /^text\/javascript/);
      const text = await asset.text();
      expect(text.length, href).toBeGreaterThan(500);
      // Nothing the page loads comes from elsewhere (the design system's fonts are left out).
      expect(text, href).not.toMatch(/https?:\/\//);
    }
  });

  it('rule: accessible: a skip link to the main content, an error summary ready to take focus, a live status for the smartcard', async () => {
    const { uid, cookie } = await rig.begin('ward-app');
    const { html: text } = await rig.page(uid, cookie);
    expect(text).toContain('<html lang="en">');
    expect(text).toContain('<a class="nhsuk-skip-link" href="#maincontent">');
    expect(text).toContain('id="maincontent"');
    expect(text).toMatch(/<div class="nhsuk-error-summary" id="error-summary"[^>]*role="alert" tabindex="-1" hidden>/);
    expect(text).toMatch(/id="smartcard-status" role="status" aria-live="polite"/);
  });

  it('rule: every showing of the page has a fresh ticket', async () => {
    const { uid, cookie } = await rig.begin('ward-app');
    const first = rig.ticketOf((await rig.page(uid, cookie)).html);
    const second = rig.ticketOf((await rig.page(uid, cookie)).html);
    expect(first).not.toBe(second);
  });

  it('rule: an unknown or expired interaction gets a clear page saying to go back to the app', async () => {
    const uid = 'NoSuchInteraction0001';
    const page = await rig.page(uid, `_interaction=${uid}`);
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.html).toContain('<h1 class="nhsuk-heading-l">This sign-in has expired</h1>');
    expect(page.html).toContain('Go back to the app you were using and sign in again.');
    expect(page.html).not.toContain('data-ticket');
  });

  it('rule: a browser without the interaction’s cookie gets no sign-in (and no ticket): someone else’s interaction cannot be finished here', async () => {
    const { uid } = await rig.begin('ward-app');
    for (const cookie of [undefined, '_interaction=SomethingElse123', `_interaction_resume=${uid}`]) {
      const page = await rig.page(uid, cookie);
      expect(page.status, cookie).toBe(400);
      expect(page.html).toContain('This sign-in cannot continue here');
      expect(page.html).not.toContain('data-ticket');
    }
    const tickets = await rig.service.ctx.db.selectFrom('oidc_sign_in_tickets').select('id').where('uid', '=', uid).execute();
    expect(tickets).toEqual([]);
  });
});

describe('the methods registry', () => {
  const stub = (kind: SignInMethod['kind'], aal: 2 | 3): SignInMethod => ({ kind, aal, label: kind, render: () => ({ body: html`` }) });
  const methods = [stub('smartcard', 3), stub('security-key', 2), stub('ipad', 3), stub('microsoft-authenticator', 2)];

  it('rule: an AAL3 app is offered only the methods that reach AAL3', () => {
    expect(methodsMeeting(3, methods).map((m) => m.kind)).toEqual(['smartcard', 'ipad']);
  });

  it('rule: an app that accepts AAL2 is offered every method, in the registry’s order', () => {
    expect(methodsMeeting(2, methods).map((m) => m.kind)).toEqual(['smartcard', 'security-key', 'ipad', 'microsoft-authenticator']);
  });

  it('rule: the smartcard is registered, at AAL3', () => {
    expect(SIGN_IN_METHODS.find((m) => m.kind === 'smartcard')).toMatchObject({ aal: 3, label: 'Smartcard' });
  });
});
