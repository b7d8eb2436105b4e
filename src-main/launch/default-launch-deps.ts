import { createAgent } from '../agent/create-agent.js';
import type { LaunchDeps } from './launch-agent.js';

// The one place that binds the launch to the real agent core; the shells' entry points use it,
// tests pass their own createAgent to launchAgent instead.

export const defaultLaunchDeps: LaunchDeps = { createAgent };
