import { beforeEach, describe, expect, it } from 'vitest';
import { APPLICATIONS_PAGE_SIZE } from '../../../../src-shared/api/apply.js';
import { harnessPerFile } from './harness-per-file.js';
import { applicationBy, DAY, found, MINUTE, staffAt, type Staff } from './read-support.js';

// Search applications: by name, email address or application ID, "Applications I have raised",
// only within what the searcher may see.

const { h, orgs } = harnessPerFile();
let sponsor: Staff;
let zoe: string;
let amir: string;
beforeEach(async () => {
  sponsor = await staffAt(h, orgs.siteA1.id, ['S']);
  zoe = (await applicationBy(h, sponsor, orgs.siteA1.id, DAY, { given_name: 'Zoë', family_name: "O'Brien-Smith", email: 'Zoe.OBrien@Example.NHS.net' })).reference;
  amir = (await applicationBy(h, sponsor, orgs.siteA1.id, DAY, { given_name: 'Amir', family_name: 'Khan', email: 'amir.khan@example.nhs.net' })).reference;
});

describe('search by each field', () => {
  it('rule: search finds an application by family name, as typed or without accents and in any case, from its first letters', async () => {
    expect(await found(h, sponsor, "o'brien-smith")).toEqual([zoe]);
    expect(await found(h, sponsor, "O'BRI")).toEqual([zoe]);
    expect(await found(h, sponsor, 'Khan')).toEqual([amir]);
  });

  it('rule: search finds an application by given name, by "Given Family" and by "Family, Given"', async () => {
    expect(await found(h, sponsor, 'zoe')).toEqual([zoe]);
    expect(await found(h, sponsor, 'Zoë')).toEqual([zoe]);
    expect(await found(h, sponsor, 'Amir Khan')).toEqual([amir]);
    expect(await found(h, sponsor, 'Khan, Am')).toEqual([amir]);
    expect(await found(h, sponsor, 'Amir Smith')).toEqual([]);
  });

  it('rule: search finds an application by the whole email address, in any case', async () => {
    expect(await found(h, sponsor, 'zoe.obrien@example.nhs.net')).toEqual([zoe]);
    expect(await found(h, sponsor, 'AMIR.KHAN@EXAMPLE.NHS.NET')).toEqual([amir]);
    expect(await found(h, sponsor, 'amir.khan@example')).toEqual([]);
  });

  it('rule: search finds an application by its application ID exactly, in any case', async () => {
    expect(await found(h, sponsor, zoe)).toEqual([zoe]);
    expect(await found(h, sponsor, ` ${amir.toLowerCase()} `)).toEqual([amir]);
    expect(await found(h, sponsor, amir.slice(0, 8))).toEqual([]);
  });

  it("rule: '%' and '_' in a search are plain characters, not wildcards", async () => {
    expect(await found(h, sponsor, '%')).toEqual([]);
    expect(await found(h, sponsor, '_han')).toEqual([]);
  });

  it('rule: a search holding a NUL character finds nothing, as an email address or as a name, on either engine', async () => {
    expect(await found(h, sponsor, 'amir.khan\u0000@example.nhs.net')).toEqual([]);
    expect(await found(h, sponsor, 'Kh\u0000an')).toEqual([]);
  });

  it('rule: an empty search is refused with the field named, and one over 100 characters too', async () => {
    for (const query of ['', '   ', 'a'.repeat(101)]) {
      const res = await h.call('GET', `/v1/apply/applications?query=${encodeURIComponent(query)}`, { token: sponsor.token });
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body.fields)).toContain('query');
    }
  });
});

describe('Applications I have raised', () => {
  it('rule: "Applications I have raised" keeps only the searcher\'s own applications; without it an RA manager finds everyone\'s in their organisations', async () => {
    const manager = await staffAt(h, orgs.trustA.id, ['RAM', 'S']);
    const mine = (await applicationBy(h, manager, orgs.trustA.id, DAY, { given_name: 'Amir', family_name: 'Khanna' })).reference;
    expect(await found(h, manager, 'khan')).toEqual([amir, mine].sort());
    expect(await found(h, manager, 'khan', true)).toEqual([mine]);
    const res = await h.call('GET', '/v1/apply/applications?query=khan', { token: manager.token });
    expect(res.body.applications.map((a: { reference: string; raisedByMe: boolean }) => [a.reference, a.raisedByMe]).sort()).toEqual([
      [amir, false],
      [mine, true],
    ].sort());
  });

  it("rule: a sponsor's search never finds another sponsor's applications, even by application ID", async () => {
    const other = await staffAt(h, orgs.siteA1.id, ['S'], 'Other sponsor');
    const theirs = (await applicationBy(h, other, orgs.siteA1.id, DAY, { given_name: 'Amir', family_name: 'Khan' })).reference;
    expect(await found(h, sponsor, 'Khan')).toEqual([amir]);
    expect(await found(h, sponsor, theirs)).toEqual([]);
    expect(await found(h, other, 'Khan')).toEqual([theirs]);
  });

  it('rule: search results come a page at a time, the newest first, with the whole count', async () => {
    const made: string[] = [];
    for (let i = 0; i < APPLICATIONS_PAGE_SIZE + 2; i++) made.push((await applicationBy(h, sponsor, orgs.siteA1.id, i * MINUTE, { family_name: 'Paged' })).reference);
    const first = await h.call('GET', '/v1/apply/applications?query=paged', { token: sponsor.token });
    const second = await h.call('GET', '/v1/apply/applications?query=paged&page=2', { token: sponsor.token });
    expect(first.body.total).toBe(APPLICATIONS_PAGE_SIZE + 2);
    expect([...first.body.applications, ...second.body.applications].map((a: { reference: string }) => a.reference)).toEqual(made);
  });
});
