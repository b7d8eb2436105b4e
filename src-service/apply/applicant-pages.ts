import { Html, html } from '../sign-in/html.js';
import { errorSummary, page } from '../sign-in/sign-in-page.js';
import type { LinkPurpose } from './applicant-links.js';
import type { ApplicantApplication, Problem } from './applicant-session.js';

// The frame and the pieces every applicant page shares (NHS design system markup, one h1,
// every control labelled, errors summarised at the top and beside their field), the link's
// landing page and the problem pages. Values are escaped by `html`.

const APPLY_SERVICE_NAME = 'Apply for Care ID';

export const APPLICANT_PATHS = {
  link: '/apply/link/:token',
  details: '/apply/details',
  detailsChange: '/apply/details/change',
  detailsAddress: '/apply/details/address',
  detailsCheck: '/apply/details/check',
  detailsConfirm: '/apply/details/confirm',
  detailsDone: '/apply/details/confirmed',
  identity: '/apply/identity',
  identityDocument: '/apply/identity/document',
  identityPhoto: '/apply/identity/photo',
  identityCheck: '/apply/identity/check',
  identitySubmit: '/apply/identity/submit',
  identityDone: '/apply/identity/sent',
  uploadScript: '/apply/assets/upload-progress.js',
} as const;

/** A problem with one field: shown in the summary (linking to the field) and above the field. */
export interface FieldProblem {
  readonly field: string;
  readonly text: string;
}

export function applyPage(title: string, main: Html, scripts: readonly string[] = []): string {
  return page({ title, main, scripts, serviceName: APPLY_SERVICE_NAME });
}

/** The error summary of a page shown again with problems (an empty list renders it hidden). */
export const problemsSummary = (problems: readonly FieldProblem[]): Html => errorSummary(problems.map((p) => ({ text: p.text, href: `#${p.field}` })));

/** The title of a page shown again with problems starts "Error:", so a screen reader hears it first. */
export const titled = (title: string, problems: readonly FieldProblem[]): string => (problems.length > 0 ? `Error: ${title}` : title);

export const csrfField = (csrf: string): Html => html`<input type="hidden" name="csrf" value="${csrf}">`;

const fieldError = (field: string, problems: readonly FieldProblem[]): Html | '' => {
  const p = problems.find((x) => x.field === field);
  return p ? html`<span class="nhsuk-error-message" id="${field}-error"><span class="nhsuk-u-visually-hidden">Error:</span> ${p.text}</span>` : '';
};

interface TextInput {
  readonly name: string;
  readonly label: string;
  readonly value: string;
  readonly hint?: string;
  readonly autocomplete?: string;
  readonly width?: number;
  readonly type?: 'text' | 'email' | 'tel';
}

export function textInput(input: TextInput, problems: readonly FieldProblem[]): Html {
  const error = fieldError(input.name, problems);
  const described = [input.hint ? `${input.name}-hint` : '', error ? `${input.name}-error` : ''].filter(Boolean).join(' ');
  return html`<div class="nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}">
  <label class="nhsuk-label" for="${input.name}">${input.label}</label>
  ${input.hint ? html`<div class="nhsuk-hint" id="${input.name}-hint">${input.hint}</div>` : ''}
  ${error}
  <input class="nhsuk-input${input.width ? ` nhsuk-input--width-${input.width}` : ''}${error ? ' nhsuk-input--error' : ''}" id="${input.name}" name="${input.name}" type="${input.type ?? 'text'}" value="${input.value}"${input.autocomplete ? html` autocomplete="${input.autocomplete}"` : ''}${described ? html` aria-describedby="${described}"` : ''}>
</div>`;
}

/** A summary list row: the key, the value, and a Change link when one is given. */
export interface SummaryRow {
  readonly key: string;
  readonly value: string | Html;
  readonly change?: { readonly href: string; readonly what: string };
}

export function summaryList(rows: readonly SummaryRow[]): Html {
  return html`<dl class="nhsuk-summary-list">
${rows.map(
  (r) => html`  <div class="nhsuk-summary-list__row">
    <dt class="nhsuk-summary-list__key">${r.key}</dt>
    <dd class="nhsuk-summary-list__value">${r.value}</dd>
    ${r.change ? html`<dd class="nhsuk-summary-list__actions"><a href="${r.change.href}">Change<span class="nhsuk-u-visually-hidden"> ${r.change.what}</span></a></dd>` : ''}
  </div>
`,
)}</dl>`;
}

/** "12 April 1990" for an ISO date. */
export function longDate(iso: string): string {
  const d = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}

export const fullName = (a: ApplicantApplication): string => `${a.givenName} ${a.familyName}`;

const STEP_WORDS: Record<LinkPurpose, { heading: string; text: string }> = {
  details: {
    heading: 'Confirm your details for your Care ID application',
    text: 'Check the personal details your sponsor entered, correct anything that is wrong, and confirm them.',
  },
  identity: {
    heading: 'Prove your identity for your Care ID application',
    text: 'Upload a photo of an identity document and a photograph of your face. You need a JPEG or PNG image of each, under 10 MB.',
  },
};

/** The page a link opens: says what it is for, and uses nothing up until Continue (a POST). */
export function landingPage(purpose: LinkPurpose, application: ApplicantApplication, action: string): string {
  const words = STEP_WORDS[purpose];
  return applyPage(
    words.heading,
    html`<h1 class="nhsuk-heading-l">${words.heading}</h1>
<p class="nhsuk-body">${application.orgName} has applied for a Care ID (an NHS smartcard) for you, ${fullName(application)}. Application ID: <strong>${application.reference}</strong>.</p>
<p class="nhsuk-body">${words.text}</p>
<div class="nhsuk-inset-text"><span class="nhsuk-u-visually-hidden">Information: </span><p>This link can be used once. When you select Continue it is used up, and you then have 2 hours to finish.</p></div>
<form method="post" action="${action}" novalidate>
  <button class="nhsuk-button" type="submit" data-module="nhsuk-button">Continue</button>
</form>`,
  );
}

/** What went wrong and what to do; with the sponsor's address for queries when there is one. */
export function problemPageOf(p: Problem): string {
  return applyPage(
    p.heading,
    html`<h1 class="nhsuk-heading-l">${p.heading}</h1>
<p class="nhsuk-body">${p.text}</p>
${p.queryEmail ? html`<p class="nhsuk-body">If you have a question about your application, email <a href="mailto:${p.queryEmail}">${p.queryEmail}</a>.</p>` : ''}`,
  );
}

/** A page whose step is finished: a confirmation panel and what happens next. */
export function donePage(heading: string, reference: string, next: string): string {
  return applyPage(
    heading,
    html`<div class="nhsuk-panel">
  <h1 class="nhsuk-panel__title">${heading}</h1>
  <div class="nhsuk-panel__body">Application ID<br><strong>${reference}</strong></div>
</div>
<h2 class="nhsuk-heading-m">What happens next</h2>
<p class="nhsuk-body">${next}</p>
<p class="nhsuk-body">You can close this window.</p>`,
  );
}

/** A form's own problem (not one field's): the first control to fix, named by its id. */
export const formProblem = (field: string, text: string): FieldProblem => ({ field, text });
