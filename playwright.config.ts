import { defineConfig } from '@playwright/test';

// End-to-end tests of browser mode: the real agent, embedded service and virtual cards
// (`--training`), the built renderer, Debian's Chromium. One worker: each spec file starts its
// own agent, and the tests inside a file share it in order.

export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '**/*.spec.ts',
  globalSetup: './test/e2e/global-setup.ts',
  workers: 1,
  fullyParallel: false,
  forbidOnly: true,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  outputDir: 'dist/e2e/results',
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'dist/e2e/report' }]],
  use: {
    browserName: 'chromium',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
