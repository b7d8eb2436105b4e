import { html, type Html } from '../sign-in/html.js';
import type { FieldProblem } from './applicant-pages.js';

// Reading the applicant's plain HTML forms (application/x-www-form-urlencoded): only the fields
// a form has, each once. Anything else is a form this service did not make, refused whole.

export const FORM_BODY_LIMIT = 16 * 1024;

export interface FormValues {
  readonly values: Readonly<Record<string, string>>;
  /** A field the form does not have, or one given twice. */
  readonly foreign: boolean;
}

/** The fields of `body` (the parsed form) that `allowed` names; `csrf` is always allowed. */
export function readForm(body: unknown, allowed: readonly string[]): FormValues {
  const values: Record<string, string> = {};
  let foreign = false;
  const params = body instanceof URLSearchParams ? body : new URLSearchParams();
  for (const [key, value] of params) {
    if ((key !== 'csrf' && !allowed.includes(key)) || Object.hasOwn(values, key)) foreign = true;
    else values[key] = value;
  }
  return { values, foreign };
}

export const FOREIGN_FIELDS = 'The form sent fields this page does not have. Refresh the page and try again.';

/** A day, month and year input (NHS date input), its fields `<name>-day`, `-month`, `-year`. */
export function dateInput(name: string, legend: string, hint: string, value: { day: string; month: string; year: string }, problems: readonly FieldProblem[]): Html {
  const p = problems.find((x) => x.field === `${name}-day`);
  const part = (key: 'day' | 'month' | 'year', label: string, width: number): Html =>
    html`<div class="nhsuk-date-input__item"><div class="nhsuk-form-group">
      <label class="nhsuk-label nhsuk-date-input__label" for="${name}-${key}">${label}</label>
      <input class="nhsuk-input nhsuk-date-input__input nhsuk-input--width-${width}${p ? ' nhsuk-input--error' : ''}" id="${name}-${key}" name="${name}-${key}" type="text" inputmode="numeric" value="${value[key]}">
    </div></div>`;
  return html`<div class="nhsuk-form-group${p ? ' nhsuk-form-group--error' : ''}">
  <fieldset class="nhsuk-fieldset" role="group" aria-describedby="${name}-hint${p ? ` ${name}-error` : ''}">
    <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">${legend}</legend>
    <div class="nhsuk-hint" id="${name}-hint">${hint}</div>
    ${p ? html`<span class="nhsuk-error-message" id="${name}-error"><span class="nhsuk-u-visually-hidden">Error:</span> ${p.text}</span>` : ''}
    <div class="nhsuk-date-input" id="${name}">${part('day', 'Day', 2)}${part('month', 'Month', 2)}${part('year', 'Year', 4)}</div>
  </fieldset>
</div>`;
}

/** An ISO date from day, month and year fields, if they make a real date. */
export function isoDateOf(day: string, month: string, year: string): string | undefined {
  if (!/^\d{1,2}$/.test(day.trim()) || !/^\d{1,2}$/.test(month.trim()) || !/^\d{4}$/.test(year.trim())) return undefined;
  const iso = `${year.trim()}-${month.trim().padStart(2, '0')}-${day.trim().padStart(2, '0')}`;
  const d = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso ? iso : undefined;
}
