import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnyRoute } from '../../../../src-service/http/route.js';
import { startHarness, type Harness } from '../cim/cim-harness.js';

// GET /openapi.json: generated from the same declarations the service enforces, so every route
// in src-service/http/routes*.ts must appear in it with its method.

const HTTP_DIR = join(process.cwd(), 'src-service', 'http');

/** Every route declared by any routes*.ts module: each exported function returning routes is called. */
async function declaredRoutes(): Promise<AnyRoute[]> {
  const files = readdirSync(HTTP_DIR).filter((f) => /^routes.*\.ts$/.test(f));
  const found: AnyRoute[] = [];
  for (const file of files) {
    const module = (await import(pathToFileURL(join(HTTP_DIR, file)).href)) as Record<string, unknown>;
    for (const exported of Object.values(module)) {
      if (typeof exported !== 'function' || exported.length !== 0) continue;
      const result: unknown = (exported as () => unknown)();
      if (Array.isArray(result)) found.push(...(result as AnyRoute[]).filter((r) => r && typeof r.endpoint?.path === 'string' && typeof r.endpoint.method === 'string'));
    }
  }
  return found;
}

let h: Harness;
let doc: { openapi: string; paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: Record<string, unknown> }> } }>> };
beforeAll(async () => {
  h = await startHarness();
  const res = await h.call('GET', '/openapi.json');
  expect(res.status).toBe(200);
  doc = res.body;
});
afterAll(async () => {
  await h.close();
});

describe('the OpenAPI document', () => {
  it('rule: the service describes itself as OpenAPI 3.1', () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
  });

  it('rule: every route declared in src-service/http/routes*.ts is listed with its method', async () => {
    const routes = await declaredRoutes();
    // The CIM routes at least: an empty scan would make this test pass for nothing.
    expect(routes.length).toBeGreaterThanOrEqual(7);
    for (const { endpoint } of routes) {
      const path = endpoint.path.replace(/:([A-Za-z]+)/g, '{$1}');
      expect(doc.paths[path], `${endpoint.method} ${endpoint.path}`).toBeDefined();
      expect(doc.paths[path]?.[endpoint.method.toLowerCase()], `${endpoint.method} ${endpoint.path}`).toBeDefined();
    }
  });

  it('rule: the CIM endpoints are documented with their methods', () => {
    const listed = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(listed).toEqual(
      expect.arrayContaining([
        'POST /v1/users/search',
        'GET /v1/users/{uuid}',
        'PATCH /v1/users/{uuid}/details',
        'PUT /v1/me/contact',
        'POST /v1/me/position-requests',
        'GET /v1/position-requests',
        'POST /v1/position-requests/{id}/grant',
        'POST /v1/position-requests/{id}/reject',
      ]),
    );
  });

  it('rule: the details change body refuses properties it does not name', () => {
    const schema = doc.paths['/v1/users/{uuid}/details']?.patch?.requestBody?.content['application/json']?.schema;
    expect(schema).toBeDefined();
    expect(schema?.additionalProperties).toBe(false);
    expect(Object.keys(schema?.properties as object).sort()).toEqual(['dateOfBirth', 'email', 'familyName', 'givenName', 'mobile', 'niNumber']);
  });
});
