// Lint rules that guard the code and its architecture: `npm run lint` (part of `npm test`).
import js from '@eslint/js';
import jsxA11y from 'eslint-plugin-jsx-a11y';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** A no-restricted-imports rule refusing every import whose path matches one of `patterns`. */
const refuse = (...patterns) => ['error', { patterns }];

// A later block's no-restricted-imports replaces an earlier one's, so blocks that narrow the
// service's files repeat this pattern.
const serviceNeverImportsAgent = {
  group: ['**/src-main', '**/src-main/**', '**/src-renderer/**', 'electron'],
  message: 'The service never imports the agent (src-main), the renderer or electron.',
};

export default tseslint.config(
  {
    ignores: ['dist/**', 'node_modules/**', 'native/**', 'release/**', 'coverage/**', 'test-results/**', 'playwright-report/**'],
  },
  // A disable comment whose rule no longer fires is stale: it would silence the next real problem.
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  {
    files: ['**/*.{ts,tsx,mts}'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Off: `async` marks the methods that implement a Promise-returning interface (readers,
      // senders, relays, fakes), so a throw becomes a rejection; an await is not what matters.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // node-forge's asn1.Class/asn1.Type enums are compared with the raw tag numbers read from DER.
    files: ['src-shared/crypto/**/*.ts', 'src-shared/card/piv-attestation.ts', 'test/unit/service/ca/ca.test.ts'],
    rules: { '@typescript-eslint/no-unsafe-enum-comparison': 'off' },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      // Off: tests read service and agent replies as untyped JSON (`await response.json()`) and
      // assert on them field by field; typing every reply would add nothing the assertions lack.
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // Off: tests hand methods to spies and fakes (`vi.spyOn`, `{ send: real.send }`) on objects
      // whose methods are closures, not `this`-bound class methods.
      '@typescript-eslint/unbound-method': 'off',
      // Off: fetch fakes match `String(input)`; the agent always fetches a string URL.
      '@typescript-eslint/no-base-to-string': 'off',
    },
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    // The renderer's tsconfig is not named tsconfig.json, so the project service would not find it.
    files: ['src-renderer/**/*.{ts,tsx}'],
    languageOptions: {
      globals: { ...globals.browser },
      parserOptions: { projectService: false, project: './tsconfig.renderer.json', tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    // Custom hooks live in .ts files too.
    files: ['src-renderer/**/*.{ts,tsx}'],
    extends: [reactHooks.configs.flat.recommended],
    rules: {
      // Off: it cannot tell a ref held in an object (StepRequests' field refs, handed to each
      // field's ref prop) from the ref's value, so it flags every flow page.
      'react-hooks/refs': 'off',
    },
  },
  {
    files: ['src-renderer/**/*.tsx'],
    extends: [jsxA11y.flatConfigs.recommended],
  },

  // Architecture: which folders may import which.
  {
    // The renderer runs in a sandboxed page: it speaks to the agent only through src-shared's
    // contracts, never by reaching into the agent, the service or the tests.
    files: ['src-renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': refuse({
        group: ['**/src-main', '**/src-main/**', '**/src-service', '**/src-service/**', '**/test/**', '**/bench/**', 'electron', 'node:*'],
        message: 'The renderer imports only src-shared (and its own files).',
      }),
    },
  },
  {
    // The identity service runs on a server: it knows nothing of the workstation's agent.
    files: ['src-service/**/*.ts'],
    rules: { 'no-restricted-imports': refuse(serviceNeverImportsAgent) },
  },
  {
    // The HTTP layer sits on top of the service's domain code (auth, cim, unlock, renewal, store
    // ...), which never reaches up into it. Allowed: start-service.ts builds and starts the HTTP
    // app and sweeps its request counts; cli.ts warns about the transport the app listens on.
    files: ['src-service/**/*.ts'],
    ignores: ['src-service/http/**', 'src-service/start-service.ts', 'src-service/cli.ts'],
    rules: {
      'no-restricted-imports': refuse(serviceNeverImportsAgent, {
        group: ['**/http/**'],
        message: 'Only src-service/http/ imports the HTTP layer; domain code throws ServiceError (src-service/service-error.ts).',
      }),
    },
  },
  {
    // One way into the database: the store (Kysely over either engine). Its drivers, and how a
    // transaction is opened (the single-writer rule and the retries), stay in src-service/store.
    files: ['src-service/**/*.ts'],
    ignores: ['src-service/store/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "ImportDeclaration[source.value=/^(better-sqlite3|pg|pg-copy-streams)$/]",
          message: 'Only src-service/store/ uses the database drivers; query through the store (Db, Kysely).',
        },
        {
          selector: "CallExpression[callee.property.name='transaction'][arguments.length=0]",
          message: 'Open a transaction with inTransaction (src-service/store/transaction.ts), which keeps one writer at a time and retries.',
        },
      ],
    },
  },
  {
    // The card, PC/SC and agent core also run headless (browser shell, CLI, tests): Electron stays
    // in src-main/shell/electron.
    files: ['src-main/card/**/*.ts', 'src-main/pcsc/**/*.ts', 'src-main/agent/**/*.ts'],
    rules: {
      'no-restricted-imports': refuse({
        group: ['electron', 'electron/*'],
        message: 'card/, pcsc/ and agent/ run without Electron; keep Electron in src-main/shell/electron.',
      }),
    },
  },
  {
    // Benchmarks may share test/support, never the unit tests' own rigs.
    files: ['bench/**/*.ts'],
    rules: {
      'no-restricted-imports': refuse({
        group: ['**/test/unit', '**/test/unit/**'],
        message: 'bench/ never imports test/unit; share through test/support.',
      }),
    },
  },
);
