import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ReportExportProgress, ReportExportTicket, reportDefinition } from '../../../src-shared/api/cim-reports.js';
import { startBrowserShell, type BrowserShell } from '../../../src-main/shell/browser/browser-shell.js';
import { withReportSaveDialog } from '../../../src-main/shell/electron/report-save.js';
import { signIn, startAgent, startServiceRig, type AgentRig, type ServiceRig } from './support/agent-rig.js';

// "Export as CSV" through the agent: the renderer gets a one-use ticket, never the session; the
// agent streams the service's CSV to the browser shell's one-use download address, or (Electron)
// to the file the save dialog chose, counting the rows written.

let rig: ServiceRig;
let dir: string;
const agents: AgentRig[] = [];
const shells: BrowserShell[] = [];

beforeAll(async () => {
  rig = await startServiceRig();
  dir = mkdtempSync(join(tmpdir(), 'report-export-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Care Identity</title>');
});
afterAll(async () => {
  await rig.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(async () => {
  for (const s of shells.splice(0)) await s.close();
  for (const a of agents.splice(0)) await a.close();
});

async function signedInAs(key: 'ra-manager' | 'clinician'): Promise<AgentRig> {
  const a = startAgent(rig.service.url);
  agents.push(a);
  await a.until((s) => s.service.status === 'connected', 'the service');
  await signIn(a, await rig.card(key));
  return a;
}

const progressOf = async (a: AgentRig, exportId: string) => ReportExportProgress.parse(await a.call('report.exportProgress', { exportId }));
const labels = reportDefinition('users-positions').columns.map((c) => c.label);

describe('browser mode: a one-use download from the shell', () => {
  it('rule: the download streams the report as CSV, the progress counts its rows, and the address works once', async () => {
    const a = await signedInAs('ra-manager');
    const shell = await startBrowserShell({ agent: a.agent, port: 0, staticDir: dir, announce: () => undefined });
    shells.push(shell);
    const ticket = ReportExportTicket.parse(await a.call('report.export', { reportId: 'users-positions', query: { sort: 'familyName' } }));
    expect(ticket.downloadPath).toBe(`/downloads/reports/${ticket.exportId}`);
    expect(await progressOf(a, ticket.exportId)).toEqual({ status: 'ready', rows: 0, message: null });
    const res = await fetch(`${shell.origin}${ticket.downloadPath}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${ticket.fileName}"`);
    const records = parse(await res.text());
    expect(records[0]).toEqual(labels);
    expect(records.map((r) => r[0])).toContain("O'Connor");
    expect(await progressOf(a, ticket.exportId)).toEqual({ status: 'done', rows: records.length - 1, message: null });
    const again = await fetch(`${shell.origin}${ticket.downloadPath}`);
    expect(again.status).toBe(410);
    expect(await again.text()).toBe('That download has been used or has expired. Export the report again.');
  });

  it('rule: a role without view-reports gets a ticket, but its download is refused in words and nothing is written', async () => {
    const a = await signedInAs('clinician');
    const shell = await startBrowserShell({ agent: a.agent, port: 0, staticDir: dir, announce: () => undefined });
    shells.push(shell);
    const ticket = ReportExportTicket.parse(await a.call('report.export', { reportId: 'cards-locked', query: {} }));
    const res = await fetch(`${shell.origin}${ticket.downloadPath}`);
    expect(res.status).toBe(410);
    expect(await res.text()).toBe('Your role does not allow that.');
    expect((await progressOf(a, ticket.exportId)).status).toBe('failed');
  });

  it('rule: an address that is not a live ticket is not found', async () => {
    const a = await signedInAs('ra-manager');
    const shell = await startBrowserShell({ agent: a.agent, port: 0, staticDir: dir, announce: () => undefined });
    shells.push(shell);
    expect((await fetch(`${shell.origin}/downloads/reports/not-a-ticket`)).status).toBe(404);
    expect((await fetch(`${shell.origin}/downloads/reports/${'A'.repeat(43)}`)).status).toBe(410);
  });
});

describe('Electron: saved where the user chose', () => {
  it('rule: the export is streamed into the chosen file; no file chosen, no export', async () => {
    const a = await signedInAs('ra-manager');
    const target = join(dir, 'chosen.csv');
    let offered = '';
    const hub = withReportSaveDialog(a.agent, (name) => {
      offered = name;
      return Promise.resolve(target);
    });
    const ticket = ReportExportTicket.parse(await hub.handle('report.export', { reportId: 'users-positions', query: {} }));
    expect(ticket.downloadPath).toBeNull();
    expect(offered).toBe(ticket.fileName);
    for (let i = 0; i < 100 && (await progressOf(a, ticket.exportId)).status !== 'done'; i++) await new Promise((r) => setTimeout(r, 20));
    const records = parse(readFileSync(target, 'utf8'));
    expect(records[0]).toEqual(labels);
    expect(await progressOf(a, ticket.exportId)).toEqual({ status: 'done', rows: records.length - 1, message: null });

    const declined = withReportSaveDialog(a.agent, () => Promise.resolve(null));
    const cancelled = ReportExportTicket.parse(await declined.handle('report.export', { reportId: 'users-positions', query: {} }));
    expect((await progressOf(a, cancelled.exportId)).status).toBe('cancelled');
  });
});
