import type { FastifyInstance } from 'fastify';
import { SERVICE_ENDPOINTS } from '../../src-shared/api/service-endpoints.js';
import { html } from '../sign-in/html.js';
import { page, pageHeaders } from '../sign-in/sign-in-page.js';
import { ASSETS, SIMPLEWEBAUTHN_SCRIPT } from './page-assets.js';

// The page a one-time enrolment link opens (GET /authenticators/register#<token>), served by
// the service's public origin so that origin is the WebAuthn relying party. The token stays in
// the fragment; the script posts it to the options and verify calls. Plain HTML and two scripts, no inline code, so the page works under the strict CSP.

export const REGISTRATION_PAGE = '/authenticators/register';
export const REGISTRATION_SCRIPT = 'register-page.js';

const MAIN = html`<div class="nhsuk-error-summary" id="problem" aria-labelledby="problem-title" role="alert" tabindex="-1" hidden>
<h2 class="nhsuk-error-summary__title" id="problem-title">There is a problem</h2>
<div class="nhsuk-error-summary__body"><p id="problem-text"></p></div>
</div>
<h1 id="heading" tabindex="-1">Add an authenticator</h1>
<p id="intro" aria-live="polite">Checking your link.</p>
<div id="ready" hidden>
<ol class="nhsuk-list nhsuk-list--number" id="steps"></ol>
<button class="nhsuk-button" id="register" type="button">Register</button>
</div>
<div id="done" hidden>
<p>You can close this window. Refresh the profile in Care Identity Management to see it in the Authenticators list.</p>
</div>`;

const STEPS = {
  'security-key': {
    heading: 'Register a security key or passkey',
    button: 'Register security key or passkey',
    done: 'Security key or passkey added',
    steps: [
      'Have your security key ready, or your phone if you keep passkeys on it.',
      'Select the button below. Your browser asks you to insert or touch the key, or to scan a QR code with your phone.',
      "Enter the key's PIN or use its fingerprint reader when asked.",
    ],
  },
  'windows-hello': {
    heading: 'Set up Windows Hello',
    button: 'Set up Windows Hello',
    done: 'Windows Hello added',
    steps: ['Use the Windows computer you will sign in on.', 'Select the button below.', 'Confirm with your Windows Hello PIN, face or fingerprint.'],
  },
};

const SCRIPT = `'use strict';
(() => {
const { startRegistration, browserSupportsWebAuthn } = window.SimpleWebAuthnBrowser;
const STEPS = ${JSON.stringify(STEPS)};
const token = location.hash.slice(1);
const $ = (id) => document.getElementById(id);
function problem(message) {
  $('problem-text').textContent = message;
  $('problem').hidden = false;
  $('problem').focus();
}
async function call(path, body) {
  let res;
  try {
    res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), credentials: 'omit' });
  } catch {
    throw new Error('The identity service could not be reached. Check your connection and try again.');
  }
  const answer = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(answer.message || 'The identity service had a problem. Try again.');
  return answer;
}
const options = () => call('${SERVICE_ENDPOINTS.webauthnRegistrationOptions.path}', { token });
function whyNot(err) {
  if (err && err.name === 'InvalidStateError') return 'This authenticator is already registered to this profile.';
  if (err && err.name === 'NotAllowedError') return 'Registration was cancelled or took too long. Try again.';
  return err && err.message ? err.message : 'Your authenticator could not be registered. Try again.';
}
async function start() {
  if (!browserSupportsWebAuthn()) { $('intro').textContent = ''; problem('This browser cannot use security keys, passkeys or Windows Hello. Use an up-to-date browser.'); return; }
  let first;
  try { first = await options(); } catch (err) { $('intro').textContent = ''; problem(whyNot(err)); return; }
  const words = STEPS[first.kind];
  document.title = words.heading + ' – Care Identity Service';
  $('heading').textContent = words.heading;
  $('intro').textContent = 'For ' + first.userName + '.';
  for (const step of words.steps) { const li = document.createElement('li'); li.textContent = step; $('steps').append(li); }
  $('register').textContent = words.button;
  $('ready').hidden = false;
  $('register').addEventListener('click', async () => {
    $('register').disabled = true;
    $('problem').hidden = true;
    try {
      const fresh = await options();
      const credential = await startRegistration({ optionsJSON: fresh.options });
      await call('${SERVICE_ENDPOINTS.webauthnRegistrationVerify.path}', { token, credential });
      $('ready').hidden = true;
      $('intro').textContent = 'For ' + first.userName + '.';
      $('heading').textContent = words.done;
      document.title = words.done + ' – Care Identity Service';
      $('done').hidden = false;
      $('heading').focus();
    } catch (err) {
      problem(whyNot(err));
    } finally {
      $('register').disabled = false;
    }
  });
}
void start();
})();
`;

export function registerRegistrationPage(app: FastifyInstance): Record<string, string> {
  const body = page({ title: 'Add an authenticator', main: MAIN, scripts: [SIMPLEWEBAUTHN_SCRIPT, `${ASSETS}/${REGISTRATION_SCRIPT}`] });
  app.get(REGISTRATION_PAGE, async (_request, reply) => reply.headers(pageHeaders()).type('text/html; charset=utf-8').send(body));
  return { [REGISTRATION_SCRIPT]: SCRIPT };
}
