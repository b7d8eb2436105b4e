import { AgentCallError } from './agent-call-error.js';
import { createAgentClient, type AgentClient } from './agent-client.js';
import type { AgentTransport } from './agent-transport.js';
import { createElectronTransport } from './electron-transport.js';
import { forgetPageSecret, takePageSecret } from './page-secret.js';
import { agentSocketUrl, createWebSocketTransport } from './websocket-transport.js';

// Electron's preload provides window.careIdentity; anywhere else this is the browser shell and
// the page talks to the agent over its WebSocket, with the launch secret from the address.

export function createAgentClientForPage(win: Window): AgentClient {
  if (win.careIdentity) return createAgentClient(createElectronTransport(win.careIdentity));
  const secret = takePageSecret(win);
  if (secret === null) return createAgentClient(noSecretTransport());
  return createAgentClient(
    createWebSocketTransport({ url: agentSocketUrl(win.location, secret), onRefused: () => forgetPageSecret(win) }),
  );
}

/** Without the secret the agent would refuse us anyway; say so instead of retrying forever. */
function noSecretTransport(): AgentTransport {
  return {
    request: () => Promise.reject(new AgentCallError('disconnected', 'This page is not connected to the Identity Agent.')),
    onState: () => () => undefined,
    onConnection: () => () => undefined,
    connection: () => ({ kind: 'no-secret' }),
    close: () => undefined,
  };
}
