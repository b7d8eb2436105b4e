// The renderer's Content Security Policy, the same in both shells except for where it may
// connect: scripts, styles, fonts and images only from the app itself (the NHS assets are
// bundled), nothing inline, no plugins, no framing, no forms posting elsewhere. Images may also
// come from blob: addresses the page itself made: an applicant's identity document, fetched
// through the agent and shown to the ID checker without ever being written anywhere.

export function contentSecurityPolicy(connectSources: readonly string[]): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' blob:",
    "font-src 'self'",
    `connect-src ${connectSources.length > 0 ? connectSources.join(' ') : "'none'"}`,
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}
