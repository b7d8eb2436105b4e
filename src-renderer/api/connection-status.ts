// The renderer's link to the agent (not the agent's link to the identity service, which is in
// AgentState.service).

export type ConnectionStatus =
  | { readonly kind: 'connecting' }
  | { readonly kind: 'connected' }
  /** The link dropped (or never came up) and the next try is scheduled. */
  | { readonly kind: 'reconnecting'; readonly retryAt: number; readonly everConnected: boolean }
  /** This page was opened without the launch secret, so it cannot talk to the agent at all. */
  | { readonly kind: 'no-secret' }
  /** The agent turned this page away (a secret from an earlier launch, or a foreign origin). */
  | { readonly kind: 'refused' };
