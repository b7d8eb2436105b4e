import { test as base, expect } from '@playwright/test';
import { startTrainingApp, type TrainingApp, type TrainingAppOptions } from './training-app.js';

// Each spec file gets its own app (and data folder) through useTrainingApp(); its tests share
// it in order. Every test gets the app's output attached to its report, and fails if the page
// reached any other origin or logged an error (a CSP violation is one).

let current: TrainingApp | null = null;

/** Call once at the top of a spec file. */
export function useTrainingApp(options: TrainingAppOptions = {}): void {
  base.beforeAll(async () => {
    current = await startTrainingApp(options);
  });
  base.afterAll(async () => {
    await current?.close();
    current = null;
  });
}

interface Fixtures {
  readonly app: TrainingApp;
}

export const test = base.extend<Fixtures>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern; it has none
  app: async ({}, use, testInfo) => {
    const app = current;
    if (!app) throw new Error('call useTrainingApp() at the top of the spec file');
    const from = app.output().length;
    await use(app);
    await testInfo.attach('app stdout and stderr', { body: app.output().slice(from), contentType: 'text/plain' });
  },
  page: async ({ page, app }, use) => {
    const foreign: string[] = [];
    const errors: string[] = [];
    page.on('request', (request) => {
      const url = request.url();
      // blob: addresses the page made itself (an identity document shown to the ID checker) are its own origin's.
      if (!url.startsWith(`${app.origin}/`) && !url.startsWith(`blob:${app.origin}/`) && !url.startsWith(app.origin.replace(/^http/, 'ws'))) foreign.push(url);
    });
    page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(`console error: ${message.text()}`);
    });
    await use(page);
    expect(foreign, 'the page must load nothing from another origin').toEqual([]);
    expect(errors, 'the page must log no errors').toEqual([]);
  },
});

export { expect };
