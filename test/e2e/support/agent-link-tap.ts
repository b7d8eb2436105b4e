import type { Page, WebSocketRoute } from '@playwright/test';

// A pass-through on the page's WebSocket to the agent, so a test can cut the link or show the
// page an agent state that training mode cannot produce on demand (no reader, an unreadable
// card, the identity service down). The renderer's job is to show what the agent says.

/** An AgentState as JSON; the tests change only the parts they name. */
export type StateJson = { version: number; service: unknown; screen: unknown; readers: unknown; [key: string]: unknown };

export interface AgentLinkTap {
  /** Every page-side link opened so far (a reconnection adds one). */
  readonly links: readonly WebSocketRoute[];
  /** Sends the page the agent's latest state with `change` applied, as a newer version. */
  pushState(change: (state: StateJson) => void): void;
  /**
   * From now on the page's requests on `channel` get this error back instead of reaching the
   * agent (a failure training mode cannot produce on demand); null lets them through again.
   */
  refuse(channel: string, error: { code: string; message: string } | null): void;
  /**
   * Once, when the agent sends a state `matches` accepts, asks the agent for `channel` at that
   * moment on the page's link (its reply is not passed to the page): a card pulled at an exact
   * step, sooner than any click could.
   */
  whenState(matches: (state: StateJson) => boolean, channel: string, payload: unknown): void;
}

export async function tapAgentLink(page: Page): Promise<AgentLinkTap> {
  const links: WebSocketRoute[] = [];
  let latest: StateJson | null = null;
  let invented = 0;
  const refusals = new Map<string, { code: string; message: string }>();
  const watches: { matches: (state: StateJson) => boolean; channel: string; payload: unknown }[] = [];
  // Far above the page's own request ids, so the agent's replies to these are told apart.
  let ownId = 1_000_000;
  const ownIds = new Set<number>();
  await page.routeWebSocket(/\/api\?/, (link) => {
    links.push(link);
    const server = link.connectToServer();
    // Handling the page's messages stops their automatic forwarding: each one not refused is sent on.
    link.onMessage((message) => {
      const parsed = parseRequest(message);
      const refusal = typeof parsed.channel === 'string' ? refusals.get(parsed.channel) : undefined;
      if (refusal && typeof parsed.id === 'number') link.send(JSON.stringify({ type: 'error', id: parsed.id, error: refusal }));
      else server.send(message);
    });
    server.onMessage((message) => {
      const parsed = JSON.parse(message.toString()) as { type: string; id?: number; state?: StateJson; result?: StateJson };
      if (typeof parsed.id === 'number' && ownIds.delete(parsed.id)) return;
      if (parsed.type === 'state' && parsed.state) {
        latest = parsed.state;
        const state = parsed.state;
        const due = watches.findIndex((w) => w.matches(state));
        const watch = due >= 0 ? watches.splice(due, 1)[0] : undefined;
        if (watch) {
          const id = ownId++;
          ownIds.add(id);
          server.send(JSON.stringify({ id, channel: watch.channel, payload: watch.payload }));
        }
      }
      if (parsed.type === 'result' && parsed.result && 'screen' in parsed.result) latest = parsed.result;
      link.send(message);
    });
  });
  return {
    links,
    pushState(change) {
      const link = links.at(-1);
      if (!link || !latest) throw new Error('the page has not heard from the agent yet');
      const state = structuredClone(latest);
      change(state);
      state.version = latest.version + 1000 + invented++;
      link.send(JSON.stringify({ type: 'state', state }));
    },
    refuse(channel, error) {
      if (error) refusals.set(channel, error);
      else refusals.delete(channel);
    },
    whenState(matches, channel, payload) {
      watches.push({ matches, channel, payload });
    },
  };
}

function parseRequest(message: string | Buffer): { id?: unknown; channel?: unknown } {
  try {
    return JSON.parse(message.toString()) as { id?: unknown; channel?: unknown };
  } catch {
    // Not a request this tap understands: it goes to the agent as it is.
    return {};
  }
}
