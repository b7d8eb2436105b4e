import { randomBytes } from 'node:crypto';
import { pipeline, Readable, Transform, type TransformCallback } from 'node:stream';
import type { z } from 'zod';
import { REPORT_DOWNLOAD_PREFIX, type ReportExportProgress, type ReportExportRequest, type ReportExportTicket } from '../../src-shared/api/cim-reports.js';
import type { AgentRuntime } from './agent-runtime.js';
import { AgentFailure } from './agent-types.js';
import { withSession } from './cim-actions.js';
import { MESSAGES } from './agent-messages.js';

// "Export as CSV" through the agent. The renderer never holds the session token, so it cannot
// fetch the export itself; it asks the agent (report.export), which hands back a ticket: an
// unguessable one-use id, kept in memory for a few minutes. Whoever delivers the file then opens
// the ticket (open()), and only then does the agent call the service, with the session, and pass
// its answer on as it arrives, counting the rows that go by (report.exportProgress):
// - browser mode: the page follows a link to the browser shell's own server,
//   REPORT_DOWNLOAD_PREFIX + id (shell/browser/report-download.ts), which pipes the stream into
//   the HTTP answer, so the browser saves it like any download;
// - Electron: the main process shows a save dialog and pipes the stream into the chosen file
//   (shell/electron/report-save.ts).
// Nothing is held whole: the service writes rows as it reads them, and a slow reader (a disk, a
// browser) holds back the service's writing through the stream's backpressure.

/** How long a ticket waits for its download to start. */
const TICKET_MS = 5 * 60_000;

interface Export {
  readonly request: z.output<typeof ReportExportRequest>;
  readonly fileName: string;
  readonly createdAt: number;
  progress: ReportExportProgress;
}

export interface OpenedExport {
  readonly fileName: string;
  /** The CSV as it comes from the service. */
  readonly body: Readable;
}

/** Counts the CSV rows passing through: line ends outside quoted fields, less the header. */
class RowCounter extends Transform {
  private quoted = false;
  private lines = 0;
  constructor(private readonly onRows: (rows: number) => void) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    for (const byte of chunk) {
      if (byte === 0x22) this.quoted = !this.quoted;
      else if (byte === 0x0a && !this.quoted) this.lines++;
    }
    this.onRows(Math.max(0, this.lines - 1));
    done(null, chunk);
  }
}

export class ReportExports {
  private readonly exports = new Map<string, Export>();

  constructor(private readonly rt: AgentRuntime) {}

  /** A ticket for one export; the service is asked nothing yet. */
  prepare(request: z.output<typeof ReportExportRequest>): ReportExportTicket {
    const session = this.rt.model().session;
    if (!session) throw new AgentFailure('not-signed-in', MESSAGES.notSignedIn);
    if (session.locked) throw new AgentFailure('not-signed-in', MESSAGES.sessionLockedNow);
    this.forgetOld();
    const exportId = randomBytes(32).toString('base64url');
    const fileName = `${request.reportId}-${this.rt.now().toISOString().slice(0, 10)}.csv`;
    this.exports.set(exportId, { request, fileName, createdAt: this.rt.now().getTime(), progress: { status: 'ready', rows: 0, message: null } });
    return { exportId, fileName, downloadPath: `${REPORT_DOWNLOAD_PREFIX}${exportId}` };
  }

  progress(exportId: string): ReportExportProgress {
    const found = this.exports.get(exportId);
    if (!found) throw new AgentFailure('not-now', 'That export has finished or expired. Export the report again.');
    return found.progress;
  }

  /** The user chose no file: the ticket is spent. */
  cancel(exportId: string): void {
    const found = this.exports.get(exportId);
    if (found?.progress.status === 'ready') found.progress = { status: 'cancelled', rows: 0, message: 'No file was chosen.' };
  }

  /**
   * Starts the export of a ticket, once: the service's CSV as a stream, counted as it passes.
   * Refusals (the session gone, the report refused) throw before anything is written.
   */
  async open(exportId: string): Promise<OpenedExport> {
    const found = this.exports.get(exportId);
    if (found?.progress.status !== 'ready' || this.rt.now().getTime() - found.createdAt > TICKET_MS) {
      throw new AgentFailure('not-now', 'That download has been used or has expired. Export the report again.');
    }
    found.progress = { status: 'writing', rows: 0, message: null };
    let web: ReadableStream<Uint8Array>;
    try {
      web = await withSession(this.rt, (token) => this.rt.client.exportReport(token, found.request.reportId, found.request.query, this.rt.closing));
    } catch (err) {
      found.progress = { status: 'failed', rows: 0, message: err instanceof Error ? err.message : MESSAGES.internal };
      throw err;
    }
    const counter = new RowCounter((rows) => {
      found.progress = { ...found.progress, rows };
    });
    counter.on('end', () => {
      found.progress = { ...found.progress, status: 'done' };
    });
    // A cut connection (the service's, or the reader's) fails the whole: the counter closes without ending.
    counter.on('close', () => {
      if (found.progress.status === 'writing') found.progress = { ...found.progress, status: 'failed', message: 'The export stopped before the end. Export the report again.' };
    });
    const body = pipeline(Readable.fromWeb(web), counter, () => undefined);
    return { fileName: found.fileName, body };
  }

  private forgetOld(): void {
    const now = this.rt.now().getTime();
    for (const [id, e] of this.exports) if (now - e.createdAt > TICKET_MS && e.progress.status !== 'writing') this.exports.delete(id);
  }
}
