import { ApplicantDetails, DeliveryAddress } from '../../src-shared/api/apply.js';
import { appendAudit } from '../audit/audit-log.js';
import { normaliseName } from '../cim/normalise-name.js';
import type { ServiceContext } from '../service-context.js';
import { html } from '../sign-in/html.js';
import { dateInput, FOREIGN_FIELDS, isoDateOf, readForm } from './applicant-form.js';
import {
  APPLICANT_PATHS as P,
  applyPage,
  csrfField,
  donePage,
  formProblem,
  fullName,
  longDate,
  problemsSummary,
  summaryList,
  textInput,
  titled,
  type FieldProblem,
  type SummaryRow,
} from './applicant-pages.js';
import { whileOpen, type ApplicantApplication, type ApplicantSession } from './applicant-session.js';

// The emailed link's step: the applicant checks the personal details their sponsor entered,
// corrects them, gives the delivery address when the sponsor left that to them, checks their
// answers and confirms. A correction is saved as it is made; confirming finishes the step.

export type Outcome = { readonly status: number; readonly body: string } | { readonly redirect: string };

const pageOf = (body: string, status = 200): Outcome => ({ status, body });

function detailRows(a: ApplicantApplication, changeTo: string): SummaryRow[] {
  const change = (what: string, field: string) => ({ href: `${changeTo}#${field}`, what });
  return [
    { key: 'Name', value: fullName(a), change: change('name', 'givenName') },
    { key: 'Date of birth', value: longDate(a.dateOfBirth), change: change('date of birth', 'dob-day') },
    { key: 'National Insurance number', value: a.niNumber, change: change('National Insurance number', 'niNumber') },
    { key: 'Email address', value: a.email, change: change('email address', 'email') },
    { key: 'Mobile phone number', value: a.mobile, change: change('mobile phone number', 'mobile') },
  ];
}

const addressText = (a: ApplicantApplication) =>
  a.address ? html`${[a.address.line1, a.address.line2, a.address.town, a.address.postcode].filter(Boolean).map((line, i) => html`${i > 0 ? html`<br>` : ''}${line}`)}` : 'Not given yet';

/** Check your details: what the sponsor entered, each with Change. */
export function checkDetailsPage(s: ApplicantSession): Outcome {
  if (s.completed) return { redirect: P.detailsDone };
  const a = s.application;
  const next = a.providesAddress ? P.detailsAddress : P.detailsCheck;
  return pageOf(
    applyPage(
      'Check your details',
      html`<h1 class="nhsuk-heading-l">Check your details</h1>
<p class="nhsuk-body">${a.orgName} entered these details when they applied for your Care ID. They must match your identity documents.</p>
${summaryList(detailRows(a, P.detailsChange))}
<a class="nhsuk-button" href="${next}" draggable="false" role="button" data-module="nhsuk-button">These details are correct</a>`,
    ),
  );
}

const DETAIL_FIELDS = ['givenName', 'familyName', 'dob-day', 'dob-month', 'dob-year', 'niNumber', 'email', 'mobile'] as const;

function detailsForm(s: ApplicantSession, v: Readonly<Record<string, string>>, problems: readonly FieldProblem[]): Outcome {
  return pageOf(
    applyPage(
      titled('Correct your details', problems),
      html`${problemsSummary(problems)}
<h1 class="nhsuk-heading-l">Correct your details</h1>
<form method="post" action="${P.detailsChange}" novalidate>
${csrfField(s.csrf)}
${textInput({ name: 'givenName', label: 'First name', value: v.givenName ?? '', autocomplete: 'given-name' }, problems)}
${textInput({ name: 'familyName', label: 'Last name', value: v.familyName ?? '', autocomplete: 'family-name' }, problems)}
${dateInput('dob', 'Date of birth', 'For example, 15 3 1984', { day: v['dob-day'] ?? '', month: v['dob-month'] ?? '', year: v['dob-year'] ?? '' }, problems)}
${textInput({ name: 'niNumber', label: 'National Insurance number', hint: "It's on your National Insurance card, benefit letter, payslip or P60. For example, QQ 12 34 56 C.", value: v.niNumber ?? '', width: 10 }, problems)}
${textInput({ name: 'email', label: 'Email address', value: v.email ?? '', type: 'email', autocomplete: 'email' }, problems)}
${textInput({ name: 'mobile', label: 'Mobile phone number', hint: 'For example, 07700 900 982', value: v.mobile ?? '', type: 'tel', autocomplete: 'tel', width: 20 }, problems)}
<button class="nhsuk-button" type="submit" data-module="nhsuk-button">Save and continue</button>
</form>`,
    ),
    problems.length > 0 ? 400 : 200,
  );
}

/** Correct your details: the form, filled with what is held now. */
export function changeDetailsPage(s: ApplicantSession): Outcome {
  if (s.completed) return { redirect: P.detailsDone };
  const a = s.application;
  const [year = '', month = '', day = ''] = a.dateOfBirth.split('-');
  return detailsForm(s, { givenName: a.givenName, familyName: a.familyName, 'dob-day': String(Number(day)), 'dob-month': String(Number(month)), 'dob-year': year, niNumber: a.niNumber, email: a.email, mobile: a.mobile }, []);
}

/** Saves corrected details, or shows the form again saying what to fix (nothing saved). */
export async function saveDetails(ctx: ServiceContext, s: ApplicantSession, body: unknown): Promise<Outcome> {
  if (s.completed) return { redirect: P.detailsDone };
  const { values: v, foreign } = readForm(body, DETAIL_FIELDS);
  if (foreign) return detailsForm(s, v, [formProblem('givenName', FOREIGN_FIELDS)]);
  const problems: FieldProblem[] = [];
  const check = <T>(field: string, parsed: { success: boolean; data?: T }, text: string): T | undefined => {
    if (parsed.success) return parsed.data;
    problems.push({ field, text });
    return undefined;
  };
  const shape = ApplicantDetails.shape;
  const givenName = check('givenName', shape.givenName.safeParse(v.givenName ?? ''), 'Enter your first name (up to 100 characters)');
  const familyName = check('familyName', shape.familyName.safeParse(v.familyName ?? ''), 'Enter your last name (up to 100 characters)');
  const iso = isoDateOf(v['dob-day'] ?? '', v['dob-month'] ?? '', v['dob-year'] ?? '');
  const today = ctx.now().toISOString().slice(0, 10);
  const dateOfBirth = check('dob-day', iso !== undefined && iso < today ? shape.dateOfBirth.safeParse(iso) : { success: false }, 'Enter your date of birth as a real date in the past, like 15 3 1984');
  const niNumber = check('niNumber', shape.niNumber.safeParse(v.niNumber ?? ''), 'Enter a National Insurance number in the correct format, like QQ 12 34 56 C');
  const email = check('email', shape.email.safeParse((v.email ?? '').trim()), 'Enter an email address in the correct format, like name@example.com');
  const mobile = check('mobile', shape.mobile.safeParse(v.mobile ?? ''), 'Enter a UK mobile phone number, like 07700 900 982');
  if (problems.length > 0 || !givenName || !familyName || !dateOfBirth || !niNumber || !email || !mobile) return detailsForm(s, v, problems);
  const saved = await whileOpen(ctx, s, async (trx) => {
    await trx
      .updateTable('applications')
      .set({
        given_name: givenName,
        family_name: familyName,
        given_name_norm: normaliseName(givenName),
        family_name_norm: normaliseName(familyName),
        date_of_birth: dateOfBirth,
        ni_number: niNumber,
        email,
        email_norm: email.toLowerCase(),
        mobile,
      })
      .where('id', '=', s.application.id)
      .execute();
  });
  if (!saved) return { redirect: P.details };
  return { redirect: s.application.providesAddress ? P.detailsAddress : P.detailsCheck };
}

const ADDRESS_FIELDS = ['line1', 'line2', 'town', 'postcode'] as const;

function addressForm(s: ApplicantSession, v: Readonly<Record<string, string>>, problems: readonly FieldProblem[]): Outcome {
  return pageOf(
    applyPage(
      titled('Where should your smartcard be sent?', problems),
      html`${problemsSummary(problems)}
<h1 class="nhsuk-heading-l">Where should your smartcard be sent?</h1>
<p class="nhsuk-body" id="address-hint">If this is a work address, it must include the department or ward.</p>
<form method="post" action="${P.detailsAddress}" novalidate>
${csrfField(s.csrf)}
${textInput({ name: 'line1', label: 'Address line 1', value: v.line1 ?? '', autocomplete: 'address-line1' }, problems)}
${textInput({ name: 'line2', label: 'Address line 2 (optional)', value: v.line2 ?? '', autocomplete: 'address-line2' }, problems)}
${textInput({ name: 'town', label: 'Town or city', value: v.town ?? '', autocomplete: 'address-level2', width: 20 }, problems)}
${textInput({ name: 'postcode', label: 'Postcode', value: v.postcode ?? '', autocomplete: 'postal-code', width: 10 }, problems)}
<button class="nhsuk-button" type="submit" data-module="nhsuk-button">Save and continue</button>
</form>`,
    ),
    problems.length > 0 ? 400 : 200,
  );
}

/** The delivery address, when the sponsor left it to the applicant. */
export function addressPage(s: ApplicantSession): Outcome {
  if (s.completed) return { redirect: P.detailsDone };
  if (!s.application.providesAddress) return { redirect: P.detailsCheck };
  const a = s.application.address;
  return addressForm(s, { line1: a?.line1 ?? '', line2: a?.line2 ?? '', town: a?.town ?? '', postcode: a?.postcode ?? '' }, []);
}

export async function saveAddress(ctx: ServiceContext, s: ApplicantSession, body: unknown): Promise<Outcome> {
  if (s.completed) return { redirect: P.detailsDone };
  if (!s.application.providesAddress) return { redirect: P.detailsCheck };
  const { values: v, foreign } = readForm(body, ADDRESS_FIELDS);
  if (foreign) return addressForm(s, v, [formProblem('line1', FOREIGN_FIELDS)]);
  const parsed = DeliveryAddress.safeParse({ line1: v.line1 ?? '', ...(v.line2?.trim() ? { line2: v.line2 } : {}), town: v.town ?? '', postcode: v.postcode ?? '' });
  if (!parsed.success) {
    const WORDS: Record<string, string> = {
      line1: 'Enter the first line of the address (up to 100 characters)',
      line2: 'Address line 2 must be 100 characters or fewer',
      town: 'Enter the town or city (up to 60 characters)',
      postcode: 'Enter a real postcode, like LS1 4AP',
    };
    const fields = [...new Set(parsed.error.issues.map((i) => String(i.path[0])))];
    return addressForm(
      s,
      v,
      ADDRESS_FIELDS.filter((f) => fields.includes(f)).map((f) => ({ field: f, text: WORDS[f] as string })),
    );
  }
  const address = parsed.data;
  const saved = await whileOpen(ctx, s, async (trx) => {
    await trx
      .updateTable('applications')
      .set({ address_line1: address.line1, address_line2: address.line2 ?? null, address_town: address.town, address_postcode: address.postcode })
      .where('id', '=', s.application.id)
      .execute();
  });
  return { redirect: saved ? P.detailsCheck : P.details };
}

/** Check your answers: everything, each with Change, and Confirm. */
export function checkAnswersPage(s: ApplicantSession, problems: readonly FieldProblem[] = []): Outcome {
  if (s.completed) return { redirect: P.detailsDone };
  const a = s.application;
  const rows = detailRows(a, P.detailsChange);
  if (a.providesAddress) rows.push({ key: 'Delivery address', value: addressText(a), change: { href: P.detailsAddress, what: 'delivery address' } });
  return pageOf(
    applyPage(
      titled('Check your answers', problems),
      html`${problemsSummary(problems)}
<h1 class="nhsuk-heading-l">Check your answers</h1>
${summaryList(rows)}
<form method="post" action="${P.detailsConfirm}" novalidate>
${csrfField(s.csrf)}
<button class="nhsuk-button" id="confirm" type="submit" data-module="nhsuk-button">Confirm</button>
</form>`,
    ),
    problems.length > 0 ? 400 : 200,
  );
}

/** Confirm: finishes the step (the link's session ends with it). */
export async function confirmDetails(ctx: ServiceContext, s: ApplicantSession, body: unknown): Promise<Outcome> {
  if (s.completed) return { redirect: P.detailsDone };
  if (readForm(body, []).foreign) return checkAnswersPage(s, [formProblem('confirm', FOREIGN_FIELDS)]);
  if (s.application.providesAddress && !s.application.address) return checkAnswersPage(s, [formProblem('confirm', 'Enter the address your smartcard should be sent to: select Change next to Delivery address')]);
  await whileOpen(ctx, s, async (trx, now) => {
    await trx.updateTable('applications').set({ details_confirmed_at: now.getTime() }).where('id', '=', s.application.id).execute();
    await trx.updateTable('application_links').set({ completed_at: now.getTime() }).where('id', '=', s.linkId).execute();
    await appendAudit(trx, { actor: null, action: 'application.details-confirmed', subject: s.application.reference, details: { applicationId: s.application.id } }, now);
  });
  return { redirect: P.detailsDone };
}

export function detailsDonePage(s: ApplicantSession): Outcome {
  if (!s.completed) return { redirect: P.details };
  return pageOf(donePage('Details confirmed', s.application.reference, 'If you have not done so yet, follow the link in your text message to prove your identity. Your sponsor can see that you have confirmed your details.'));
}
