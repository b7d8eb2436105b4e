import { describe, expect, it } from 'vitest';
import { AGENT_CHANNELS } from '../../../../src-shared/api/agent-api.js';
import { EVERY_CHANNEL_LISTED, IPC_INVOKE_CHANNELS, STATE_PUSH_CHANNEL } from '../../../../src-main/shell/electron/ipc-channels.js';

// The preload's compiled-in channel names are exactly the contract's channels (the hub
// registers Object.keys(AGENT_CHANNELS)); the state push channel is not one a page can invoke.

describe('IPC channel names', () => {
  it('are exactly the keys of AGENT_CHANNELS, once each', () => {
    expect([...IPC_INVOKE_CHANNELS].sort()).toEqual(Object.keys(AGENT_CHANNELS).sort());
    expect(new Set(IPC_INVOKE_CHANNELS).size).toBe(IPC_INVOKE_CHANNELS.length);
    expect(EVERY_CHANNEL_LISTED).toBe(true);
  });

  it('the state push channel is not an invoke channel', () => {
    expect(Object.keys(AGENT_CHANNELS)).not.toContain(STATE_PUSH_CHANNEL);
  });
});
