import type { AgentChannel, AgentError, AgentRequest, AgentResult } from '../../../src-shared/api/agent-api.js';

// The IPC names the preload may use. The hub in main registers exactly the keys of
// AGENT_CHANNELS; the sandboxed preload cannot load zod, so it gets this copy of the names,
// which the compiler holds to the contract both ways (every name is a channel, every channel is
// named) and a unit test holds to the hub's list. Types only are imported: the preload bundle
// stays a few hundred bytes of names.

export const IPC_INVOKE_CHANNELS = [
  'agent.getState',
  'agent.submitPasscode',
  'agent.cancelPasscode',
  'agent.choosePosition',
  'agent.lock',
  'agent.logout',
  'agent.changePasscode',
  'unlock.begin',
  'unlock.sendCode',
  'unlock.submitCode',
  'unlock.setPasscode',
  'unlock.close',
  'serviceCard.begin',
  'serviceCard.continue',
  'serviceCard.unlock',
  'serviceCard.confirm',
  'serviceCard.renew',
  'renewal.start',
  'renewal.submitPasscode',
  'renewal.close',
  'cim.findUsers',
  'cim.getProfile',
  'cim.myProfile',
  'cim.changeOwnContact',
  'service.call',
  'report.export',
  'report.exportProgress',
  'smartcard.inspect',
  'smartcard.issue',
  'smartcard.repair',
  'smartcard.clear',
  'smartcard.progress',
  'signIns.list',
  'signIns.signOut',
  'training.insertCard',
  'training.removeCard',
  'training.damageCard',
] as const satisfies readonly AgentChannel[];

type Unlisted = Exclude<AgentChannel, (typeof IPC_INVOKE_CHANNELS)[number]>;
/** Fails to compile when AGENT_CHANNELS gains a channel this list lacks. */
export const EVERY_CHANNEL_LISTED: [Unlisted] extends [never] ? true : Unlisted = true;

/** The page's name for the preload's API: `window.careIdentity`. */
export const CARE_IDENTITY_GLOBAL = 'careIdentity';

/** Main -> renderer: a new AgentState. Not an invoke channel, so a page cannot call it. */
export const STATE_PUSH_CHANNEL = 'care-identity:state';

/**
 * What an invoke resolves with: the WebSocket's result and error messages without their ids.
 * A settled value rather than a rejection, because contextBridge keeps only an Error's message.
 */
export type AgentReply<C extends AgentChannel = AgentChannel> =
  | { readonly type: 'result'; readonly result: AgentResult<C> }
  | { readonly type: 'error'; readonly error: AgentError };

export type { AgentChannel, AgentRequest };
