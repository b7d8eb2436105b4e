// Scripts run inside the page with page.evaluate. They are source strings because the tests'
// TypeScript program (tsconfig.json) has no DOM types, and must not: it also checks src-main.

/** Resolves true as soon as the button named exactly "OK" is disabled, false after 5 s. */
export const WATCH_FOR_DISABLED_OK = `new Promise((resolve) => {
  const ok = () => Array.from(document.querySelectorAll('button')).find((b) => b.textContent.trim() === 'OK');
  const observer = new MutationObserver(() => {
    if (ok()?.disabled) { observer.disconnect(); resolve(true); }
  });
  observer.observe(document.body, { subtree: true, attributes: true, childList: true });
  setTimeout(() => { observer.disconnect(); resolve(false); }, 5000);
})`;

export interface SocketProbe {
  readonly opened: boolean;
  /** Messages the agent sent before the socket closed. */
  readonly messages: number;
  readonly closeCode: number;
}

/**
 * Opens a WebSocket to `url` from the page's own origin and reports what came back: a refused
 * client sees no message and close code 1008; an admitted one gets the agent's state at once.
 */
export function probeWebSocket(url: string): string {
  return `new Promise((resolve) => {
    const ws = new WebSocket(${JSON.stringify(url)});
    let opened = false;
    let messages = 0;
    ws.onopen = () => { opened = true; };
    ws.onmessage = () => { messages++; ws.close(1000); };
    ws.onerror = () => {};
    ws.onclose = (event) => resolve({ opened, messages, closeCode: event.code });
    setTimeout(() => ws.close(1000), 5000);
  })`;
}

/**
 * Starts recording everything the page's polite live region says (each text it is given), into
 * window.__announcements; a later change replaces the text, so only a recording shows them all.
 */
export const RECORD_ANNOUNCEMENTS = `(() => {
  const region = document.querySelector('[role="status"][aria-live="polite"]');
  if (!region) throw new Error('no live region');
  window.__announcements = [];
  new MutationObserver(() => {
    const text = region.textContent.trim();
    if (text) window.__announcements.push(text);
  }).observe(region, { subtree: true, childList: true, characterData: true });
})()`;

export const ANNOUNCEMENTS = 'window.__announcements ?? []';

/**
 * Starts recording the words of the live regions in the page's main area that match `selector`
 * into window.__statusTexts: each change, an empty region included, and a region added later
 * from the moment it arrives, with whatever words it arrived with (which would go unread).
 */
export function recordStatusTexts(selector: string): string {
  return `(() => {
    const main = document.querySelector('main');
    if (!main) throw new Error('no main area');
    const texts = [];
    const last = new WeakMap();
    window.__statusTexts = texts;
    const look = () => {
      for (const region of main.querySelectorAll(${JSON.stringify(selector)})) {
        const text = region.textContent.trim();
        if (last.get(region) === text) continue;
        last.set(region, text);
        texts.push(text);
      }
    };
    look();
    new MutationObserver(look).observe(main, { subtree: true, childList: true, characterData: true });
  })()`;
}

export const STATUS_TEXTS = 'window.__statusTexts ?? []';

/**
 * A stand-in for Electron's preload (src-main/shell/electron/preload.ts): the same two methods
 * and reply envelopes, carried to the real agent over its WebSocket instead of IPC. Records the
 * channels the page invokes in window.__bridgeCalls.
 */
export function fakeElectronBridge(secret: string): string {
  return `(() => {
    const calls = [];
    window.__bridgeCalls = calls;
    const listeners = new Set();
    const pending = new Map();
    let nextId = 1;
    const ws = new WebSocket('ws://' + location.host + '/api?secret=' + encodeURIComponent(${JSON.stringify(secret)}));
    const open = new Promise((resolve) => ws.addEventListener('open', resolve));
    ws.addEventListener('message', (event) => {
      const message = JSON.parse(event.data);
      if (message.type === 'state') { listeners.forEach((listener) => listener(message.state)); return; }
      const settle = pending.get(message.id);
      if (!settle) return;
      pending.delete(message.id);
      settle(message.type === 'result' ? { type: 'result', result: message.result } : { type: 'error', error: message.error });
    });
    window.careIdentity = Object.freeze({
      async invoke(channel, payload) {
        calls.push(channel);
        await open;
        const id = nextId++;
        return new Promise((resolve) => { pending.set(id, resolve); ws.send(JSON.stringify({ id, channel, payload })); });
      },
      onState(listener) { listeners.add(listener); return () => listeners.delete(listener); },
    });
  })()`;
}

export const BRIDGE_CALLS = 'window.__bridgeCalls ?? []';

export type AgentReply = { readonly type: 'result'; readonly result: unknown } | { readonly type: 'error'; readonly error: { code: string; message: string } };

/**
 * Asks the agent for `channel` over a WebSocket of the page's own (what a tampered page could
 * do, bypassing every button), and resolves with the agent's reply envelope.
 */
export function callAgent(secret: string, channel: string, payload: unknown = {}): string {
  return `new Promise((resolve, reject) => {
    const ws = new WebSocket('ws://' + location.host + '/api?secret=' + encodeURIComponent(${JSON.stringify(secret)}));
    ws.onopen = () => ws.send(JSON.stringify({ id: 1, channel: ${JSON.stringify(channel)}, payload: ${JSON.stringify(payload)} }));
    ws.onmessage = (event) => {
      const message = JSON.parse(event.data);
      if (message.id !== 1) return;
      ws.close(1000);
      resolve(message.type === 'result' ? { type: 'result', result: message.result } : { type: 'error', error: message.error });
    };
    ws.onclose = (event) => reject(new Error('the agent closed the link: ' + event.code));
    setTimeout(() => { ws.close(1000); reject(new Error('no reply within 10 s')); }, 10000);
  })`;
}
