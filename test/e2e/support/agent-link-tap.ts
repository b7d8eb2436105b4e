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
}

export async function tapAgentLink(page: Page): Promise<AgentLinkTap> {
  const links: WebSocketRoute[] = [];
  let latest: StateJson | null = null;
  let invented = 0;
  await page.routeWebSocket(/\/api\?/, (link) => {
    links.push(link);
    const server = link.connectToServer();
    server.onMessage((message) => {
      const parsed = JSON.parse(message.toString()) as { type: string; state?: StateJson; result?: StateJson };
      if (parsed.type === 'state' && parsed.state) latest = parsed.state;
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
  };
}
