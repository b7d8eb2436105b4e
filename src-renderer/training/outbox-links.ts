// The links in a training outbox message (an applicant's one-time links, say), found so the
// panel can show them as links a trainee follows. Only http and https addresses: anything else
// stays text. A full stop, comma or closing bracket after an address ends the sentence, not it.

export type MessagePart = { readonly text: string } | { readonly href: string };

const ADDRESS = /https?:\/\/[^\s<>"]+/g;
const TRAILING = /[.,;:!?)\]'"]+$/;

export function messageParts(text: string): MessagePart[] {
  const parts: MessagePart[] = [];
  let from = 0;
  for (const match of text.matchAll(ADDRESS)) {
    const href = match[0].replace(TRAILING, '');
    if (!URL.canParse(href)) continue;
    if (match.index > from) parts.push({ text: text.slice(from, match.index) });
    parts.push({ href });
    from = match.index + href.length;
  }
  if (from < text.length) parts.push({ text: text.slice(from) });
  return parts;
}
