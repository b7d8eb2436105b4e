import type { AppSession } from './clinical-app-sessions.js';

// The app's one page, server-rendered: who is signed in (name, position, organisation, the
// assurance the sign-in reached), or a "Sign in" button, and a line when the identity service
// signed this app out by the back channel. NHS design system markup; no script at all.

const escape = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

const time = (at: Date): string => at.toISOString().slice(11, 19);

export interface PageFacts {
  readonly appName: string;
  /** What the app asks the identity service for, in words and as the ACR value. */
  readonly assuranceAsked: string;
}

export function appPage(facts: PageFacts, session: AppSession | undefined): string {
  const user = session?.user;
  const parts: string[] = [];
  if (session?.problem) {
    parts.push(`<div class="nhsuk-error-summary" aria-labelledby="problem-title" role="alert" tabindex="-1">
  <h2 class="nhsuk-error-summary__title" id="problem-title">There is a problem</h2>
  <div class="nhsuk-error-summary__body"><p>${escape(session.problem)}</p></div>
</div>`);
  }
  if (session?.signedOut && !user) {
    const how =
      session.signedOut.by === 'back-channel'
        ? `Signed out by the identity service (back-channel logout) at ${time(session.signedOut.at)}: your session there ended.`
        : `You signed out at ${time(session.signedOut.at)}.`;
    parts.push(`<div class="nhsuk-inset-text"><span class="nhsuk-u-visually-hidden">Information: </span><p id="signed-out">${escape(how)}</p></div>`);
  }
  if (user) {
    const where = [user.position, user.organisation].filter((x) => x !== undefined).join(' at ');
    const rows = Object.entries(user.userinfo).map(
      ([claim, value]) =>
        `<div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">${escape(claim)}</dt><dd class="nhsuk-summary-list__value">${escape(
          typeof value === 'string' ? value : JSON.stringify(value),
        )}</dd></div>`,
    );
    parts.push(`<p class="nhsuk-body-l" id="signed-in-as">Signed in as ${escape(user.name)}${where ? `, ${escape(where)}` : ''}, assurance ${escape(user.acr)} (${escape(user.amr.join(', '))})</p>
<form method="post" action="/sign-out"><button class="nhsuk-button nhsuk-button--secondary" type="submit">Sign out</button></form>
<h2 class="nhsuk-heading-m">What the identity service told this app (userinfo)</h2>
<dl class="nhsuk-summary-list" aria-label="Userinfo claims">${rows.join('')}</dl>`);
  } else {
    parts.push(`<p>This app asks the identity service for ${escape(facts.assuranceAsked)}.</p>
<form method="post" action="/sign-in"><button class="nhsuk-button" type="submit">Sign in</button></form>`);
  }
  return layout(facts.appName, parts.join('\n'));
}

export function errorPage(appName: string, message: string): string {
  return layout(appName, `<p>${escape(message)}</p><p><a class="nhsuk-link" href="/">Back to ${escape(appName)}</a></p>`);
}

function layout(appName: string, body: string): string {
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(appName)}</title>
<link rel="stylesheet" href="/nhsuk.css">
</head>
<body>
<header class="nhsuk-header" role="banner"><div class="nhsuk-header__container nhsuk-width-container"><p class="nhsuk-header__service-name nhsuk-u-margin-0">${escape(appName)} (training)</p></div></header>
<div class="nhsuk-width-container">
<main class="nhsuk-main-wrapper" id="maincontent">
<h1 class="nhsuk-heading-l">${escape(appName)}</h1>
${body}
</main>
</div>
</body>
</html>`;
}
