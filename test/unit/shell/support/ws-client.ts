import { createRequire } from 'node:module';

// A real WebSocket client for the browser shell's tests. Node 20 has no global WebSocket, so
// this is the `ws` package (which @fastify/websocket runs on). It ships no types and @types/ws
// is not installed: these are the few members the tests use.

export interface WsClient {
  readonly readyState: number;
  send(data: string | Buffer): void;
  close(code?: number): void;
  on(event: 'message', listener: (data: Buffer) => void): this;
  on(event: 'close', listener: (code: number, reason: Buffer) => void): this;
  on(event: 'open', listener: () => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
  on(event: 'unexpected-response', listener: (req: unknown, res: { statusCode: number }) => void): this;
}

type WsConstructor = new (url: string, options?: { headers?: Record<string, string>; origin?: string }) => WsClient;

export const WebSocketClient = createRequire(import.meta.url)('ws') as WsConstructor;
