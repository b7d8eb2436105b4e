import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ACR } from '../src-shared/api/oidc.js';
import { defaultLaunchDeps } from '../src-main/launch/default-launch-deps.js';
import { launchAgent } from '../src-main/launch/launch-agent.js';
import { parseLaunchOptions } from '../src-main/launch/launch-options.js';
import { startClinicalApp, type ClinicalApp } from '../src-main/training/clinical-app/clinical-app.js';
import { CLINICAL_APP_SCOPES } from '../src-main/training/clinical-app/training-clinical-apps.js';
import { startService, type RunningService } from '../src-service/start-service.js';
import { nextState, screenIs, signInFromPrompt } from '../test/support/agent-states.js';
import { OidcBrowser } from '../test/support/oidc-browser.js';
import { runIfMain } from './support/run-main.js';
import { fmt, median, percentile } from './support/stats.js';

// Card removal -> back-channel logout received: `npm run bench:backchannel` [--rounds 30].
// The training workstation as `npm run training` builds it (the real agent core, the embedded
// service with its OpenID Connect provider, the in-process training readers, the agent's
// bridge), plus 1 or 10 relying parties (the training clinical app, each its own client on its
// own port). Each round: the clinician's card in, passcode, position; each app signed in through
// the provider and the smartcard sign-in page (over HTTP, as the page's script does); then the
// card out. Timed from the card leaving the reader (the reader driver tells the agent in the same
// tick) to each app's back-channel endpoint having verified its logout token.

const CLINICIAN = 'clinician';
const WAIT_MS = 10_000;

async function measure(appCount: number, rounds: number): Promise<{ each: number[]; last: number[] }> {
  const apps: ClinicalApp[] = [];
  for (let i = 1; i <= appCount; i++) {
    apps.push(await startClinicalApp({ clientId: `bench-app-${i}`, name: `Bench app ${i}`, acr: ACR.aal2OrAal3, scopes: CLINICAL_APP_SCOPES }));
  }
  const dir = mkdtempSync(join(tmpdir(), 'bench-backchannel-'));
  let service: RunningService | undefined;
  const launched = await launchAgent(parseLaunchOptions(['--training', '--data-dir', dir, '--bridge-port', '0']), {
    ...defaultLaunchDeps,
    // One workstation signing in as fast as it can: the request limits are not what is measured.
    startService: async (config = {}) =>
      (service = await startService({
        ...config,
        rateLimitPerClient: 1_000_000,
        rateLimitGlobal: 100_000_000,
        oidcClients: [...(config.oidcClients ?? []), ...apps.map((app) => app.metadata)],
      })),
  });
  const { agent } = launched;
  if (!service) throw new Error('the embedded service did not start');
  for (const app of apps) app.useIssuer(service.ctx.oidcIssuer);
  const reader = agent.state().training?.readers[0];
  if (!reader) throw new Error('training mode has no readers');
  const each: number[] = [];
  const last: number[] = [];
  try {
    for (let round = 0; round <= rounds; round++) {
      await agent.handle('training.insertCard', { persona: CLINICIAN, reader });
      await signInFromPrompt(agent, 'clinician');
      const browser = new OidcBrowser();
      for (const app of apps) await browser.signInTo(app.url);

      const received = apps.map((app) => tokenReceived(app));
      const removedAt = performance.now();
      await agent.handle('training.removeCard', { reader });
      const times = (await Promise.all(received)).map((at) => at - removedAt);
      await nextState(agent, screenIs('no-card'), 'signed out');
      if (round === 0) continue; // warm-up: JWKS fetch, JIT, first connections
      each.push(...times);
      last.push(Math.max(...times));
    }
  } finally {
    await launched.close();
    await Promise.all(apps.map((app) => app.close()));
    rmSync(dir, { recursive: true, force: true });
  }
  return { each, last };
}

/** When `app`'s back-channel endpoint next accepts a logout token (performance.now()). */
function tokenReceived(app: ClinicalApp): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`${app.name} received no logout token within ${WAIT_MS} ms of the card's removal`));
    }, WAIT_MS);
    const off = app.onBackchannelLogout((event) => {
      clearTimeout(timer);
      off();
      resolve(event.at);
    });
  });
}

const line = (label: string, samples: readonly number[]): string =>
  `${label.padEnd(44)} median ${fmt(median(samples)).padStart(10)}  p95 ${fmt(percentile(samples, 95)).padStart(10)}  (n=${samples.length})`;

export async function benchBackchannelLatency(argv: string[] = process.argv.slice(2)): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { rounds: { type: 'string', default: '30' } } });
  const rounds = Number(values.rounds);
  console.log(`# Card removal -> back-channel logout token received and verified by each app (training workstation, SQLite), ${rounds} rounds`);
  for (const appCount of [1, 10]) {
    const { each, last } = await measure(appCount, rounds);
    console.log(line(`${appCount} app${appCount === 1 ? '' : 's'}: each app`, each));
    if (appCount > 1) console.log(line(`${appCount} apps: the last of the ${appCount}`, last));
  }
}

runIfMain(import.meta.url, benchBackchannelLatency);
