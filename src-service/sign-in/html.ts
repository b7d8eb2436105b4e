// HTML for the pages the service serves to a browser (sign-in, authenticator ceremonies). Every
// value put into a template is escaped unless it is itself HTML made here, so a client's name or
// a message can never become markup.

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Markup made by `html`: safe to put into another template as it is. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);

type Part = Html | string | number | null | undefined | false | readonly Part[];

function partText(part: Part): string {
  if (part === null || part === undefined || part === false) return '';
  if (part instanceof Html) return part.text;
  if (Array.isArray(part)) return part.map(partText).join('');
  return escapeHtml(String(part));
}

/** A template whose values are escaped (strings, numbers), kept (Html), joined (arrays) or dropped (null, false). */
export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let text = strings[0] as string;
  values.forEach((value, i) => {
    text += partText(value) + (strings[i + 1] as string);
  });
  return new Html(text);
}
