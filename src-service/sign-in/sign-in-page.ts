import type { Aal } from '../../src-shared/api/oidc.js';
import { Html, html } from './html.js';
import { SIGN_IN_ASSETS } from './sign-in-assets.js';

// The service's own browser pages (sign-in for other apps, and the problems it can meet) in the
// NHS design system's markup: one h1, a skip link, an error summary that takes focus, every
// control labelled. Server-rendered; scripts only from files of the service's own origin.

const SERVICE_NAME = 'Care Identity Service';

/**
 * Headers for every page: strict CSP (the agent's bridge is the only other place it may call, and
 * a form goes only to this origin and any `formTo` named), no caching, no framing.
 */
export function pageHeaders(connectTo: readonly string[] = [], formTo: readonly string[] = []): Record<string, string> {
  const csp = [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self'${connectTo.map((o) => ` ${o}`).join('')}`,
    // A form may go on to these origins too (a redirect after a post counts as the form's target).
    `form-action 'self'${formTo.map((o) => ` ${o}`).join('')}`,
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
  return {
    'content-security-policy': csp,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
  };
}

interface PageInput {
  readonly title: string;
  readonly main: Html;
  readonly scripts?: readonly string[];
  /** The service named in the header and the title, when a page belongs to one of the service's own services (Apply for Care ID). */
  readonly serviceName?: string;
}

export function page({ title, main, scripts = [], serviceName = SERVICE_NAME }: PageInput): string {
  return `<!DOCTYPE html>${html`<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${title} – ${serviceName}</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="${SIGN_IN_ASSETS.css}">
</head>
<body>
  <a class="nhsuk-skip-link" href="#maincontent">Skip to main content</a>
  <header class="nhsuk-header" role="banner">
    <div class="nhsuk-header__container nhsuk-width-container">
      <div class="nhsuk-header__service"><span class="nhsuk-header__service-name">${serviceName}</span></div>
    </div>
  </header>
  <div class="nhsuk-width-container">
    <main class="nhsuk-main-wrapper" id="maincontent" role="main">
      <div class="nhsuk-grid-row"><div class="nhsuk-grid-column-two-thirds">
${main}
      </div></div>
    </main>
  </div>
${[...new Set(scripts)].map((src) => html`  <script src="${src}" defer></script>\n`)}</body>
</html>`.text}`;
}

/**
 * An error summary: filled on the server when the page is shown again with a problem, or by a
 * method's script (ids error-summary and error-summary-list), which then shows and focuses it.
 */
export function errorSummary(problems: readonly { readonly text: string; readonly href: string }[]): Html {
  return html`<div class="nhsuk-error-summary" id="error-summary" aria-labelledby="error-summary-title" role="alert" tabindex="-1"${problems.length === 0 ? html` hidden` : ''}>
  <h2 class="nhsuk-error-summary__title" id="error-summary-title">There is a problem</h2>
  <div class="nhsuk-error-summary__body">
    <ul class="nhsuk-list nhsuk-error-summary__list" id="error-summary-list">${problems.map((p) => html`<li><a href="${p.href}">${p.text}</a></li>`)}</ul>
  </div>
</div>`;
}

/** The sign-in page: the app's name, what it needs, and the methods that reach it. */
export function signInPage(p: { clientName: string; requiredAal: Aal; sections: readonly Html[]; scripts: readonly string[]; problems?: readonly { text: string; href: string }[] }): string {
  const main = html`${errorSummary(p.problems ?? [])}
<h1 class="nhsuk-heading-l">Sign in</h1>
<p class="nhsuk-body-l">to continue to <strong id="client-name">${p.clientName}</strong></p>
${p.requiredAal === 3 ? html`<div class="nhsuk-inset-text"><span class="nhsuk-u-visually-hidden">Information: </span><p>This app needs a smartcard (very high assurance), or an iPad or security key issued at that level. Ways of signing in that do not reach it are not offered.</p></div>` : ''}
${p.sections}`;
  return page({ title: 'Sign in', main, scripts: p.scripts });
}

/** A page that says what went wrong and what to do, with nothing to sign in with. */
export function problemPage(heading: string, text: string): string {
  return page({ title: heading, main: html`<h1 class="nhsuk-heading-l">${heading}</h1>\n<p class="nhsuk-body">${text}</p>` });
}

/**
 * The provider's question when an app signs its user out (RP-initiated logout). `form` is the
 * provider's own hidden form (its anti-forgery field); the two buttons submit it.
 */
export function signOutPage(form: string, clientName: string | undefined): string {
  return page({
    title: 'Sign out',
    main: html`<h1 class="nhsuk-heading-l">Sign out</h1>
<p class="nhsuk-body">${clientName ? `${clientName} is signing you out.` : 'An app is signing you out.'} Do you want to sign out of the Care Identity Service as well? Every app you signed in to with it will be signed out.</p>
${new Html(form)}
<div class="nhsuk-button-group">
  <button class="nhsuk-button" type="submit" form="op.logoutForm" name="logout" value="yes" data-module="nhsuk-button">Sign out</button>
  <button class="nhsuk-button nhsuk-button--secondary" type="submit" form="op.logoutForm" data-module="nhsuk-button">Stay signed in</button>
</div>`,
  });
}
