import type { z } from 'zod';
import type { ServiceStatus } from '../../src-shared/api/agent-api.js';
import { ServiceUnreachableError } from '../service-client/service-client-errors.js';
import { MESSAGES } from './agent-messages.js';

// Whether the identity service answers. Every call the agent makes goes through `track`: an
// answer (even a refusal) means connected; no answer means unreachable, and then the service is
// probed again after 1, 2, 4 ... up to 30 seconds, with a countdown the renderer can show. While
// connected, a light health check now and then keeps the tray honest between sign-ins.

export type ServiceStatusValue = z.infer<typeof ServiceStatus>;

export interface ServiceMonitorOptions {
  readonly probe: () => Promise<void>;
  readonly onStatus: (status: ServiceStatusValue) => void;
  readonly firstRetryMs?: number;
  readonly maxRetryMs?: number;
  readonly heartbeatMs?: number;
}

export class ServiceMonitor {
  private status: ServiceStatusValue = { status: 'connecting', message: null, retryInSeconds: null };
  private failures = 0;
  private retryAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private countdown: NodeJS.Timeout | undefined;
  private probing = false;
  private closed = false;

  constructor(private readonly options: ServiceMonitorOptions) {}

  current(): ServiceStatusValue {
    return this.status;
  }

  /** First contact. */
  start(): void {
    void this.probeNow();
  }

  /** Passes `call` through, noting whether the service answered. */
  async track<T>(call: Promise<T>): Promise<T> {
    try {
      const value = await call;
      this.reachable();
      return value;
    } catch (err) {
      if (err instanceof ServiceUnreachableError) this.unreachable();
      else this.reachable();
      throw err;
    }
  }

  close(): void {
    this.closed = true;
    this.stopTimers();
  }

  private reachable(): void {
    if (this.closed) return;
    this.failures = 0;
    const wasConnected = this.status.status === 'connected';
    this.set({ status: 'connected', message: null, retryInSeconds: null });
    // Keep one heartbeat scheduled; a retry schedule is replaced by it.
    if (!wasConnected || this.countdown || !this.timer) this.scheduleHeartbeat();
  }

  private unreachable(): void {
    if (this.closed) return;
    // Already counting down to a retry, or retrying: one schedule at a time.
    if (this.countdown || this.probing) return;
    this.scheduleRetry();
  }

  private scheduleHeartbeat(): void {
    this.stopTimers();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.probeNow();
    }, this.options.heartbeatMs ?? 60_000);
    this.timer.unref();
  }

  private scheduleRetry(): void {
    const first = this.options.firstRetryMs ?? 1000;
    const max = this.options.maxRetryMs ?? 30_000;
    const delay = Math.min(max, first * 2 ** Math.min(this.failures, 16));
    this.failures++;
    this.retryAt = Date.now() + delay;
    this.stopTimers();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.probeNow();
    }, delay);
    this.timer.unref();
    this.countdown = setInterval(() => this.showCountdown(), 1000);
    this.countdown.unref();
    this.showCountdown();
  }

  private showCountdown(): void {
    const seconds = Math.max(0, Math.ceil((this.retryAt - Date.now()) / 1000));
    this.set({ status: 'unreachable', message: MESSAGES.serviceUnreachableStatus, retryInSeconds: seconds });
  }

  private async probeNow(): Promise<void> {
    if (this.closed || this.probing) return;
    this.probing = true;
    this.stopTimers();
    if (this.status.status === 'unreachable') this.set({ ...this.status, retryInSeconds: 0 });
    let answered: boolean;
    try {
      await this.options.probe();
      answered = true;
    } catch (err) {
      // Any answer other than silence (a refusal, an odd body) still means something is listening.
      answered = !(err instanceof ServiceUnreachableError);
    }
    this.probing = false;
    if (this.closed) return;
    if (answered) this.reachable();
    else this.scheduleRetry();
  }

  private stopTimers(): void {
    clearTimeout(this.timer);
    clearInterval(this.countdown);
    this.timer = undefined;
    this.countdown = undefined;
  }

  private set(status: ServiceStatusValue): void {
    const s = this.status;
    if (s.status === status.status && s.message === status.message && s.retryInSeconds === status.retryInSeconds) return;
    this.status = status;
    this.options.onStatus(status);
  }
}
