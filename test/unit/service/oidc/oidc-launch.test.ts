import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { launchAgent } from '../../../../src-main/launch/launch-agent.js';
import { parseLaunchOptions } from '../../../../src-main/launch/launch-options.js';
import { FakeAgent } from '../../shell/support/fake-agent.js';
import { appMetadata } from '../../../support/oidc-rig.js';

// Training takes extra apps with --oidc-clients <file.json> (the configuration's shape); the
// launched agent knows the issuer it prints as `identity service: <url>`.

function clientsFile(content: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'oidc-clients-')), 'clients.json');
  writeFileSync(file, JSON.stringify(content));
  return file;
}

describe('rule: training signs people in to the apps named with --oidc-clients', () => {
  it('the embedded service knows the app, and the launch names the issuer', async () => {
    const file = clientsFile([appMetadata('training-extra', null)]);
    const launched = await launchAgent(parseLaunchOptions(['--training', '--oidc-clients', file]), { createAgent: () => new FakeAgent() });
    try {
      expect(launched.identityServiceUrl).toMatch(/^http:\/\/localhost:\d+\/oidc$/);
      const auth = new URL(`${launched.identityServiceUrl}/auth`);
      auth.search = new URLSearchParams({ client_id: 'training-extra', response_type: 'code', scope: 'openid', redirect_uri: 'http://localhost:9/training-extra/callback', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' }).toString();
      const response = await fetch(auth, { redirect: 'manual' });
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toMatch(/^\/oidc\/interaction\//);
    } finally {
      await launched.close();
    }
  });

  it('a bad app stops the launch naming the field; --oidc-clients with --service-url is refused', async () => {
    const bad = clientsFile([{ ...appMetadata('bad', null), redirect_uris: ['ftp://x'] }]);
    await expect(launchAgent(parseLaunchOptions(['--training', '--oidc-clients', bad]), { createAgent: () => new FakeAgent() })).rejects.toThrow(/oidcClients\.0\.redirect_uris\.0/);
    expect(() => parseLaunchOptions(['--service-url', 'https://cis.example.nhs.uk', '--oidc-clients', bad])).toThrow(/--oidc-clients registers apps with the embedded service/);
  });
});
