import 'nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.css';
import './styles/app.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { AgentProvider } from './api/agent-context.js';
import { createAgentClientForPage } from './api/create-agent-client.js';
import { App } from './app.js';

const client = createAgentClientForPage(window);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <AgentProvider client={client}>
      <App />
    </AgentProvider>
  </StrictMode>,
);
