import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

// The renderer is served two ways: by the browser shell over http://127.0.0.1 and by Electron
// over a custom app:// protocol. Relative asset paths (base './') work under both, and nothing
// may come from another origin because the CSP allows only 'self'.

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/**
 * nhsuk-frontend's compiled CSS points its icons at the site root (/assets/images/...) and its
 * Frutiger fonts at https://assets.nhs.uk. Rewrite the icons to the package's own files so Vite
 * bundles them, and drop the remote @font-face rules: Frutiger is licensed and not in the
 * package, so the design system's own fallback (Arial) is used instead of a remote origin.
 * Its IE-only `@media screen\0` hacks are dropped too: Lightning CSS cannot parse them and no
 * engine this app runs in reads them.
 */
function nhsukLocalAssets(): Plugin {
  return {
    name: 'nhsuk-local-assets',
    enforce: 'pre',
    transform(code, id) {
      if (!/nhsuk-frontend[\\/]dist[\\/]nhsuk[\\/][^\\/]+\.css$/.test(id)) return null;
      const local = withoutBlocks(code, '@media screen\\0')
        .replace(/@font-face\s*{[^}]*https?:\/\/[^}]*}/g, '')
        .replaceAll('url(/assets/images/', 'url(./assets/images/');
      if (/url\(\s*["']?(https?:)?\/\//.test(local)) {
        this.error('nhsuk-frontend CSS still refers to a remote origin; the CSP would block it');
      }
      return { code: local, map: null };
    },
  };
}

/** `css` without every block (brace-balanced) whose prelude starts with `prelude`. */
function withoutBlocks(css: string, prelude: string): string {
  let out = '';
  let from = 0;
  for (let at = css.indexOf(prelude); at >= 0; at = css.indexOf(prelude, from)) {
    out += css.slice(from, at);
    let i = css.indexOf('{', at);
    for (let depth = 0; i < css.length; i++) {
      if (css[i] === '{') depth++;
      else if (css[i] === '}' && --depth === 0) break;
    }
    from = i + 1;
  }
  return out + css.slice(from);
}

/**
 * The built page carries its own CSP as well as the shells' header, so it stands even if a shell
 * forgets. Build only: the dev server's React refresh needs an inline script this would block.
 */
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'";

function contentSecurityPolicyMeta(): Plugin {
  return {
    name: 'csp-meta',
    apply: 'build',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CSP }, injectTo: 'head-prepend' }],
  };
}

/**
 * `CARE_IDENTITY_AGENT=http://127.0.0.1:<port> npx vite`: the dev server passes /api to a running
 * agent (`npm run training`) as if the page came from the agent's own origin, which the browser
 * shell's Origin check requires. Open the dev server with the agent's ?secret=.
 */
function agentProxy(): Record<string, { target: string; ws: true; changeOrigin: true; headers: Record<string, string> }> {
  const agent = process.env.CARE_IDENTITY_AGENT;
  if (!agent) return {};
  const origin = new URL(agent).origin;
  // Only the API itself: src-renderer/api/ is served by the dev server under /api/ too.
  return { '^/api(\\?|$)': { target: origin, ws: true, changeOrigin: true, headers: { origin } } };
}

export default defineConfig({
  root: here('./src-renderer'),
  base: './',
  plugins: [nhsukLocalAssets(), contentSecurityPolicyMeta(), react()],
  build: {
    outDir: here('./dist/renderer'),
    emptyOutDir: true,
    target: 'es2022',
    // data: URIs would need img-src/font-src data: in the CSP; emit real files instead.
    assetsInlineLimit: 0,
    // The polyfill is only for old browsers and would add code to every entry; Chromium has it.
    modulePreload: { polyfill: false },
  },
  server: { host: '127.0.0.1', proxy: agentProxy() },
});
