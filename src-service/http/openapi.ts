import { z, type ZodType } from 'zod';
import { ServiceErrorBody } from '../../src-shared/api/service-errors.js';
import type { Endpoint } from '../../src-shared/api/endpoint.js';

// OpenAPI 3.1 generated from the endpoint table the routes are declared from
// (src-shared/api/service-endpoints.ts), with the same zod schemas the service enforces.

const schemaOf = (s: ZodType, io: 'input' | 'output'): Record<string, unknown> => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(s, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};

function parametersOf(schema: ZodType | undefined, location: 'query' | 'path'): unknown[] {
  if (!schema) return [];
  const json = schemaOf(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: location,
    required: location === 'path' || (json.required ?? []).includes(name),
    schema: s,
  }));
}

/** A binary answer (a DER revocation list) is documented as bytes (OpenAPI 3.1: contentMediaType), not as the zod placeholder. */
function successSchema(r: Endpoint): Record<string, unknown> {
  return r.produces === 'application/pkix-crl' ? { type: 'string', contentMediaType: r.produces } : schemaOf(r.response, 'output');
}

export function openApiDocument(endpoints: readonly Endpoint[], info: { title: string; version: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const error = { description: 'Error', content: { 'application/json': { schema: schemaOf(ServiceErrorBody, 'output') } } };
  for (const r of endpoints) {
    const path = r.path.replace(/:([A-Za-z]+)/g, '{$1}');
    paths[path] ??= {};
    paths[path][r.method.toLowerCase()] = {
      summary: r.summary,
      tags: [r.tag],
      ...(r.auth === 'session' ? { security: [{ session: [] }] } : {}),
      parameters: [...parametersOf(r.params, 'path'), ...parametersOf(r.query, 'query')],
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(r.body, 'input') } } } } : {}),
      responses: {
        [String(r.status ?? 200)]: { description: 'Success', content: { [r.produces ?? 'application/json']: { schema: successSchema(r) } } },
        '400': error,
        ...(r.auth === 'session' ? { '401': error, '403': error } : {}),
      },
    };
  }
  return {
    openapi: '3.1.0',
    info,
    paths,
    components: {
      securitySchemes: {
        // RFC 9449: the token with a DPoP proof header from the workstation key the session is bound to.
        session: { type: 'http', scheme: 'DPoP', description: 'Authorization: DPoP <session token>, with a DPoP proof header (RFC 9449) from the key the session was opened with.' },
      },
    },
  };
}
