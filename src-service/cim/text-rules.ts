import { badRequest } from '../service-error.js';

// Free text the service stores and shows to other people (names, reasons) must be text a person
// typed: no control characters (NUL, escape sequences, bidi overrides that disguise what is
// shown) and no broken UTF-16. The shared contracts check length; this checks content.

// C0 and C1 controls except tab and newlines, bidi embedding/override/isolate controls.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/u;
// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function textProblem(value: string, options: { multiline?: boolean } = {}): string | undefined {
  if (CONTROL.test(value)) return 'must not contain control characters';
  if (!options.multiline && /[\t\r\n]/.test(value)) return 'must be a single line';
  if (LONE_SURROGATE.test(value)) return 'is not valid text';
  return undefined;
}

/** Throws 400 naming every field of `fields` (path -> value) whose text is not acceptable. */
export function assertPlainText(fields: Record<string, string | undefined>, options: { multiline?: boolean } = {}): void {
  const problems = Object.entries(fields).flatMap(([path, value]) => {
    const problem = value === undefined ? undefined : textProblem(value, options);
    return problem ? [{ path, message: problem }] : [];
  });
  if (problems.length > 0) throw badRequest('The request body is not valid.', problems);
}
