import { resolve } from 'node:path';
import { ESLint, Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

// The folders' import boundaries live in eslint.config.js, which `npm run lint` applies. Each
// case lints one import as if written in a file of that folder, with exactly the rule the
// project's config gives that file, so a boundary dropped or mistyped there fails here.

const ROOT = resolve(import.meta.dirname, '../../..');
const eslint = new ESLint({ cwd: ROOT });

/** The messages no-restricted-imports gives `source` placed at `file` (relative to the root). */
async function importProblems(file: string, source: string): Promise<string[]> {
  const config = (await eslint.calculateConfigForFile(file)) as Linter.Config;
  const rule = config.rules?.['no-restricted-imports'];
  if (!rule) return [];
  const linter = new Linter({ configType: 'flat', cwd: ROOT });
  const messages = linter.verify(source, [{ files: ['**/*.{ts,tsx}'], languageOptions: { parser: tseslint.parser }, rules: { 'no-restricted-imports': rule } }], file);
  return messages.map((m) => m.message);
}

describe('rule: the renderer imports only src-shared', () => {
  it.each([
    ['the agent', "import { createAgent } from '../../src-main/agent/create-agent.js';"],
    ['the agent, types only', "import type { Agent } from '../../src-main/agent/agent-types.js';"],
    ['the service', "import { startService } from '../../src-service/start-service.js';"],
    ['the tests', "import { nextState } from '../../test/support/agent-states.js';"],
    ['electron', "import { ipcRenderer } from 'electron';"],
    ['node built-ins', "import { readFileSync } from 'node:fs';"],
  ])('refuses %s', async (_what, source) => {
    expect(await importProblems('src-renderer/api/agent-client.ts', source)).toEqual([expect.stringContaining('The renderer imports only src-shared')]);
  });

  it('allows src-shared, its own files and its packages', async () => {
    const source = [
      "import { AgentState } from '../../src-shared/api/agent-api.js';",
      "import { toAgentCallError } from '../api/agent-call-error.js';",
      "import { useState } from 'react';",
    ].join('\n');
    expect(await importProblems('src-renderer/screens/passcode-screen.tsx', source)).toEqual([]);
  });
});

describe('rule: src-service never imports src-main', () => {
  it('refuses the agent', async () => {
    const problems = await importProblems('src-service/http/app.ts', "import { createAgent } from '../../src-main/agent/create-agent.js';");
    expect(problems).toEqual([expect.stringContaining('The service never imports the agent (src-main)')]);
  });

  it('allows src-shared', async () => {
    expect(await importProblems('src-service/http/app.ts', "import { HealthResponse } from '../../src-shared/api/service-common.js';")).toEqual([]);
  });
});

describe('rule: only src-service/http/ imports the HTTP layer', () => {
  it.each([
    ['src-service/auth/authorize.ts', "import { buildApp } from '../http/app.js';"],
    ['src-service/store/database.ts', "import { databaseRateLimitStore } from '../http/rate-limit-store.js';"],
    ['src-service/service-context.ts', "import type { AnyRoute } from './http/route.js';"],
  ])('%s refuses the HTTP layer', async (file, source) => {
    expect(await importProblems(file, source)).toEqual([expect.stringContaining('Only src-service/http/ imports the HTTP layer')]);
  });

  it('domain code still refuses the agent', async () => {
    const problems = await importProblems('src-service/unlock/self-unlock.ts', "import { createAgent } from '../../src-main/agent/create-agent.js';");
    expect(problems).toEqual([expect.stringContaining('The service never imports the agent (src-main)')]);
  });

  it('allows domain code the root ServiceError and node:http', async () => {
    const source = ["import { notFound } from '../service-error.js';", "import { createServer } from 'node:http';"].join('\n');
    expect(await importProblems('src-service/cim/user-lookup.ts', source)).toEqual([]);
  });

  it('allows the HTTP layer its own files, and the entry points that start it', async () => {
    expect(await importProblems('src-service/http/routes.ts', "import { defineRoute } from './route.js';")).toEqual([]);
    expect(await importProblems('src-service/start-service.ts', "import { buildApp } from './http/app.js';")).toEqual([]);
    expect(await importProblems('src-service/cli.ts', "import { plainHttpWarning } from './http/allowed-hosts.js';")).toEqual([]);
  });
});

describe('rule: card/, pcsc/ and agent/ never import electron', () => {
  it.each(['src-main/card/apdu.ts', 'src-main/pcsc/pcsc-reader-driver.ts', 'src-main/agent/create-agent.ts'])('%s refuses electron', async (file) => {
    expect(await importProblems(file, "import { app } from 'electron';")).toEqual([expect.stringContaining('run without Electron')]);
  });

  it('the Electron shell may import electron', async () => {
    expect(await importProblems('src-main/shell/electron/electron-app.ts', "import { app } from 'electron';")).toEqual([]);
  });
});

describe('rule: bench/ never imports test/unit', () => {
  it('refuses a unit test rig', async () => {
    const problems = await importProblems('bench/unlock.ts', "import { startServiceRig } from '../test/unit/agent/support/agent-rig.js';");
    expect(problems).toEqual([expect.stringContaining('bench/ never imports test/unit')]);
  });

  it('allows test/support', async () => {
    expect(await importProblems('bench/unlock.ts', "import { latestCodeFor } from '../test/support/unlock-rig.js';")).toEqual([]);
  });
});
