import type { z } from 'zod';
import { AGENT_CHANNELS, type AgentChannel } from '../../src-shared/api/agent-api.js';
import { AgentFailure } from './agent-types.js';

// The gate every renderer request passes: the channel must be one of AGENT_CHANNELS and the
// payload must fit its schema. A refusal names the fields and what was wrong with them, in the
// schema's own terms: the payload's values (a passcode typed into the wrong field) and the
// names of keys the schema does not declare are never repeated back.

export function channelOf(channel: unknown): AgentChannel {
  if (typeof channel !== 'string' || !Object.prototype.hasOwnProperty.call(AGENT_CHANNELS, channel)) {
    throw new AgentFailure('unknown-channel', 'The Identity Agent does not know that request.');
  }
  return channel as AgentChannel;
}

export type RequestOf<C extends AgentChannel> = z.output<(typeof AGENT_CHANNELS)[C]['request']>;

export function parseRequest<C extends AgentChannel>(channel: C, payload: unknown): RequestOf<C> {
  // Shells may leave the payload out of requests that take none.
  const input = payload === undefined ? {} : payload;
  const parsed = AGENT_CHANNELS[channel].request.safeParse(input);
  if (parsed.success) return parsed.data as RequestOf<C>;
  throw new AgentFailure('bad-request', `The request is not valid: ${describeIssues(parsed.error.issues, input)}.`);
}

/** Field-by-field words for a failed parse; paths are the schema's (strict objects only). */
function describeIssues(issues: readonly z.core.$ZodIssue[], input: unknown): string {
  return issues
    .slice(0, 10)
    .map((issue) => {
      // A rule the contract itself words (a refine) says it whole; it never contains input values.
      if (issue.code === 'custom') return issue.message;
      const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
      const where = path.length === 0 ? 'the request' : path.join('.');
      return `${where} ${problem(issue, valueAt(input, path) === undefined)}`;
    })
    .join('; ');
}

function valueAt(input: unknown, path: readonly (string | number)[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object' || !Object.prototype.hasOwnProperty.call(value, key)) return undefined;
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
}

function problem(issue: z.core.$ZodIssue, missing: boolean): string {
  switch (issue.code) {
    case 'invalid_type':
      if (missing) return 'is missing';
      return `should be ${issue.expected === 'object' || issue.expected === 'array' ? 'an' : 'a'} ${issue.expected}`;
    case 'too_big':
      return 'is too long or too large';
    case 'too_small':
      return 'is too short or too small';
    case 'invalid_format':
      return issue.format === 'regex' ? 'is not in the expected form' : `is not a valid ${issue.format}`;
    case 'unrecognized_keys':
      return `has ${issue.keys.length === 1 ? 'a field' : 'fields'} it does not take`;
    case 'invalid_value':
      return 'is not one of the allowed values';
    case 'invalid_union':
      return 'does not fit any allowed form';
    default:
      return 'is not valid';
  }
}
