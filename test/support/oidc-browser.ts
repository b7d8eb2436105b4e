import { BRIDGE_SIGN_IN_PATH, BridgeSignInAnswer } from '../../src-shared/api/agent-bridge.js';

// A browser for the sign-in flow, without a browser: follows redirects, keeps cookies (by name,
// for the one host `localhost`: the apps and the provider all live there, on different ports,
// and cookies do not care about ports), and does what the sign-in page's script does, which is
// to hand the page's ticket to the Identity Agent's bridge with the page's origin.

export class OidcBrowser {
  private readonly cookies = new Map<string, string>();

  /** GET (or the given request) and every redirect after it; the last response, and its URL. */
  async go(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ url: string; status: number; text: string }> {
    let at = url;
    let request = init;
    for (let hop = 0; hop < 20; hop++) {
      const response = await fetch(at, {
        method: request.method ?? 'GET',
        redirect: 'manual',
        headers: { ...request.headers, ...(this.cookies.size > 0 ? { cookie: this.cookieHeader() } : {}) },
        ...(request.body !== undefined ? { body: request.body } : {}),
      });
      for (const line of response.headers.getSetCookie()) this.keep(line);
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        await response.arrayBuffer();
        at = new URL(location, at).href;
        request = {};
        continue;
      }
      return { url: at, status: response.status, text: await response.text() };
    }
    throw new Error(`more than 20 redirects from ${url}`);
  }

  /**
   * "Sign in" on a training clinical app: through the provider, and through the sign-in page's
   * smartcard method when the provider shows it. Resolves once the app's page says who is signed in.
   */
  async signInTo(appUrl: string): Promise<void> {
    let page = await this.startSignIn(appUrl);
    if (new URL(page.url).pathname.startsWith('/oidc/interaction/')) {
      const card = /id="smartcard-sign-in" data-bridge="([^"]+)" data-uid="([^"]+)" data-ticket="([^"]+)"/.exec(page.text);
      if (!card) throw new Error(`the sign-in page offers no smartcard sign-in:\n${page.text.slice(0, 2000)}`);
      const [, bridge, uid, ticket] = card as unknown as [string, string, string, string];
      const response = await fetch(`${bridge}${BRIDGE_SIGN_IN_PATH}`, {
        method: 'POST',
        headers: { origin: new URL(page.url).origin, 'content-type': 'application/json' },
        body: JSON.stringify({ uid, ticket }),
      });
      const answer = BridgeSignInAnswer.parse(await response.json());
      if (answer.outcome !== 'signed-in') throw new Error(`the Identity Agent did not sign in: ${JSON.stringify(answer)}`);
      page = await this.go(new URL(answer.redirectTo, page.url).href);
    }
    if (!page.text.includes('Signed in as')) throw new Error(`${appUrl} did not sign in (${page.status} at ${page.url}):\n${page.text.slice(0, 2000)}`);
  }

  /** "Sign in" on the app's page: where the browser lands (the sign-in page, or back at the app). */
  startSignIn(appUrl: string): Promise<{ url: string; status: number; text: string }> {
    return this.go(`${appUrl}/sign-in`, { method: 'POST', headers: { origin: appUrl } });
  }

  private keep(line: string): void {
    const [pair = ''] = line.split(';', 1);
    const at = pair.indexOf('=');
    if (at <= 0) return;
    const name = pair.slice(0, at).trim();
    const value = pair.slice(at + 1).trim();
    const expired = /;\s*expires=Thu, 01 Jan 1970/i.test(line) || /;\s*max-age=0/i.test(line);
    if (expired || value === '') this.cookies.delete(name);
    else this.cookies.set(name, value);
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}
