import { beforeEach, describe, expect, it } from 'vitest';
import { APPLICATIONS_PAGE_SIZE, DashboardTab } from '../../../../src-shared/api/apply.js';
import { inTab, tabOf } from '../../../../src-service/apply/tabs.js';
import { NOW } from '../cim/cim-harness.js';
import { harnessPerFile } from './harness-per-file.js';
import { applicationBy, dashboard, DAY, MINUTE, staffAt, type Staff } from './read-support.js';

// The dashboard's tabs: the 3-day resend rule on the service's clock, every application in
// exactly one tab, counts that add up, and the order and pages of each list.

const { h, orgs } = harnessPerFile({ resetClock: true });
let sponsor: Staff;
beforeEach(async () => {
  sponsor = await staffAt(h, orgs.siteA1.id, ['S']);
});

describe('the 3-day resend rule', () => {
  it('rule: 3-day resend rule: an applicant who has not acted for 3 days minus a minute is In progress, and a minute past 3 days is Resend required', async () => {
    const { reference } = await applicationBy(h, sponsor, orgs.siteA1.id, 3 * DAY - MINUTE);
    const before = await dashboard(h, sponsor, 'in-progress');
    expect(before.counts).toMatchObject({ 'in-progress': 1, 'resend-required': 0 });
    expect(before.applications.map((a) => [a.reference, a.tab])).toEqual([[reference, 'in-progress']]);

    h.setNow(new Date(NOW.getTime() + 2 * MINUTE));
    const after = await dashboard(h, sponsor, 'resend-required');
    expect(after.counts).toMatchObject({ 'in-progress': 0, 'resend-required': 1 });
    expect(after.applications.map((a) => [a.reference, a.tab])).toEqual([[reference, 'resend-required']]);
    const one = await h.call('GET', `/v1/apply/applications/${reference}`, { token: sponsor.token });
    expect(one.body.summary.tab).toBe('resend-required');
  });

  it('rule: 3-day resend rule: an applicant acting (opening a link) moves the application back to In progress', async () => {
    const { reference, id } = await applicationBy(h, sponsor, orgs.siteA1.id, 4 * DAY);
    expect((await dashboard(h, sponsor, 'resend-required')).applications.map((a) => a.reference)).toEqual([reference]);
    await h.db
      .updateTable('applications')
      .set({ details_started_at: NOW.getTime() - MINUTE, last_activity_at: NOW.getTime() - MINUTE })
      .where('id', '=', id)
      .execute();
    const now = await dashboard(h, sponsor, 'in-progress');
    expect(now.counts).toMatchObject({ 'in-progress': 1, 'resend-required': 0 });
  });

  it('rule: 3-day resend rule: an applicant who has finished both steps waits for the ID check in In progress, however long ago', async () => {
    const at = NOW.getTime() - 10 * DAY;
    await applicationBy(h, sponsor, orgs.siteA1.id, 10 * DAY, { details_started_at: at, details_confirmed_at: at, identity_started_at: at, identity_submitted_at: at });
    // Only one step finished: still the applicant's turn, so resend.
    await applicationBy(h, sponsor, orgs.siteA1.id, 10 * DAY, { details_started_at: at, details_confirmed_at: at });
    const board = await dashboard(h, sponsor, 'in-progress');
    expect(board.counts).toMatchObject({ 'in-progress': 1, 'resend-required': 1 });
  });
});

describe('every application in exactly one tab', () => {
  it('rule: the counts add up: each application is listed in exactly one tab, the tab its row names, and the tab counts sum to them all', async () => {
    const at = (ago: number) => NOW.getTime() - ago;
    const made: string[] = [];
    const add = async (ago: number, fields: Parameters<typeof applicationBy>[4] = {}) => made.push((await applicationBy(h, sponsor, orgs.siteA1.id, ago, fields)).reference);
    for (const ago of [MINUTE, DAY, 3 * DAY - MINUTE, 3 * DAY, 3 * DAY + MINUTE, 20 * DAY]) {
      await add(ago);
      await add(ago, { details_started_at: at(ago), details_confirmed_at: at(ago), identity_started_at: at(ago), identity_submitted_at: at(ago) });
      await add(ago, { identity_started_at: at(ago), identity_submitted_at: at(ago) });
    }
    for (const status of ['approved', 'duplicate', 'rejected', 'cancelled'] as const) {
      await add(DAY, { status });
      await add(10 * DAY, { status });
    }
    await add(DAY, { status: 'done', done_from: 'rejected' });
    await add(DAY, { status: 'done', done_from: 'cancelled' });

    const seen = new Map<string, string>();
    let counted = 0;
    for (const tab of DashboardTab.options) {
      const board = await dashboard(h, sponsor, tab);
      counted += board.counts[tab] ?? 0;
      expect(board.total).toBe(board.counts[tab]);
      expect(board.applications).toHaveLength(board.counts[tab] ?? -1);
      for (const a of board.applications) {
        expect(seen.has(a.reference), `${a.reference} is in ${seen.get(a.reference)} and ${tab}`).toBe(false);
        expect(a.tab).toBe(tab);
        seen.set(a.reference, tab);
      }
    }
    expect(counted).toBe(made.length);
    expect([...seen.keys()].sort()).toEqual([...made].sort());
    // 3 days or more without the applicant finishing: at 3 days, 3 days and a minute and 20 days, the two unfinished rows of each.
    expect((await dashboard(h, sponsor, 'resend-required')).counts).toEqual({
      'resend-required': 6,
      'in-progress': 12,
      approved: 2,
      duplicates: 2,
      rejected: 2,
      cancelled: 2,
      done: 2,
    });
  });

  it('rule: the tab worked out for one row (tabOf) is the tab whose SQL lists it', async () => {
    const at = (ago: number) => NOW.getTime() - ago;
    for (const ago of [MINUTE, 3 * DAY, 3 * DAY + MINUTE]) {
      await applicationBy(h, sponsor, orgs.siteA1.id, ago);
      await applicationBy(h, sponsor, orgs.siteA1.id, ago, { details_confirmed_at: at(ago), identity_submitted_at: at(ago) });
      await applicationBy(h, sponsor, orgs.siteA1.id, ago, { status: 'duplicate' });
    }
    const rows = await h.db
      .selectFrom('applications as a')
      .select(['a.id', 'a.status', 'a.details_confirmed_at', 'a.identity_submitted_at', 'a.last_activity_at'])
      .where('a.raised_by', '=', sponsor.userId)
      .execute();
    for (const tab of DashboardTab.options) {
      const listed = await h.db.selectFrom('applications as a').select('a.id').where('a.raised_by', '=', sponsor.userId).where(inTab(tab, NOW)).execute();
      const expected = rows.filter((r) => tabOf(r, NOW) === tab).map((r) => r.id);
      expect(listed.map((r) => r.id).sort((x, y) => x - y), tab).toEqual(expected.sort((x, y) => x - y));
    }
  });
});

describe('order and pages', () => {
  it('rule: Resend required lists the longest-waiting applicant first; In progress the most recent first', async () => {
    const late = [];
    for (const ago of [5 * DAY, 9 * DAY, 4 * DAY]) late.push((await applicationBy(h, sponsor, orgs.siteA1.id, ago)).reference);
    const recent = [];
    for (const ago of [2 * DAY, MINUTE, DAY]) recent.push((await applicationBy(h, sponsor, orgs.siteA1.id, ago)).reference);
    expect((await dashboard(h, sponsor, 'resend-required')).applications.map((a) => a.reference)).toEqual([late[1], late[0], late[2]]);
    expect((await dashboard(h, sponsor, 'in-progress')).applications.map((a) => a.reference)).toEqual([recent[1], recent[2], recent[0]]);
  });

  it(`rule: a tab shows ${APPLICATIONS_PAGE_SIZE} applications a page, and the next page the rest`, async () => {
    const made = new Set<string>();
    for (let i = 0; i < APPLICATIONS_PAGE_SIZE + 3; i++) made.add((await applicationBy(h, sponsor, orgs.siteA1.id, i * MINUTE)).reference);
    const first = await dashboard(h, sponsor, 'in-progress', 1);
    const second = await dashboard(h, sponsor, 'in-progress', 2);
    expect([first.applications.length, second.applications.length, first.total]).toEqual([APPLICATIONS_PAGE_SIZE, 3, APPLICATIONS_PAGE_SIZE + 3]);
    expect(new Set([...first.applications, ...second.applications].map((a) => a.reference))).toEqual(made);
  });

  it('rule: a rejected application shows its reason to the sponsor on the Rejected tab', async () => {
    await applicationBy(h, sponsor, orgs.siteA1.id, DAY, { status: 'rejected', rejection_reason: 'The photograph does not match the passport.' });
    const board = await dashboard(h, sponsor, 'rejected');
    expect(board.applications.map((a) => a.rejectionReason)).toEqual(['The photograph does not match the passport.']);
  });

  it('rule: an unknown tab or a page that is not a number is refused with the field named', async () => {
    const bad = await h.call('GET', '/v1/apply/dashboard?tab=waiting', { token: sponsor.token });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.fields)).toContain('tab');
    const page = await h.call('GET', '/v1/apply/dashboard?page=first', { token: sponsor.token });
    expect(page.status).toBe(400);
    expect(JSON.stringify(page.body.fields)).toContain('page');
  });
});
