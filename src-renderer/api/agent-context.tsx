import { createContext, useContext, useSyncExternalStore, type ReactNode } from 'react';
import type { AgentClient, AgentSnapshot } from './agent-client.js';

const AgentClientContext = createContext<AgentClient | null>(null);

export function AgentProvider({ client, children }: { client: AgentClient; children: ReactNode }) {
  return <AgentClientContext.Provider value={client}>{children}</AgentClientContext.Provider>;
}

export function useAgentClient(): AgentClient {
  const client = useContext(AgentClientContext);
  if (!client) throw new Error('useAgentClient needs an <AgentProvider>');
  return client;
}

/** The agent's latest state and the link's health; re-renders on every change. */
export function useAgentSnapshot(): AgentSnapshot {
  const client = useAgentClient();
  return useSyncExternalStore(client.subscribe, client.snapshot);
}
