import { describe, expect, it } from 'vitest';
import { BULK_COLUMNS } from '../../../src-shared/api/apply.js';
import { bulkExampleCsv, bulkFileProblem, csvField } from '../../../src-renderer/apply/bulk-csv.js';
import { dashboardHref, pageCount, readDashboardAddress } from '../../../src-renderer/apply/dashboard-address.js';
import { rememberedLogin, rememberLogin, type KeyValueStore } from '../../../src-renderer/apply/remembered-login.js';

// Apply for Care ID's small rules in the renderer: "Remember my selection", the dashboard's
// address, and the bulk invitation file.

const memoryStore = (): KeyValueStore & { size: () => number } => {
  const map = new Map<string, string>();
  return {
    getItem: (key) => map.get(key) ?? null,
    setItem: (key, value) => void map.set(key, value),
    removeItem: (key) => void map.delete(key),
    size: () => map.size,
  };
};

const GRACE = '6f1c2d3e-4a5b-4c6d-8e7f-001122334455';
const PRIYA = '7a2b3c4d-5e6f-4a7b-8c9d-aabbccddeeff';

describe('Remember my selection', () => {
  it('rule: a remembered smartcard login is kept for that person only, and unticking forgets it', () => {
    const store = memoryStore();
    expect(rememberedLogin(store, GRACE)).toBeNull();
    rememberLogin(store, GRACE, 'smartcard');
    expect(rememberedLogin(store, GRACE)).toBe('smartcard');
    expect(rememberedLogin(store, PRIYA)).toBeNull();
    rememberLogin(store, GRACE, null);
    expect(rememberedLogin(store, GRACE)).toBeNull();
    expect(store.size()).toBe(0);
  });

  it('rule: a browser that refuses storage remembers nothing and shows no error', () => {
    const refusing: KeyValueStore = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
      removeItem: () => {
        throw new Error('denied');
      },
    };
    expect(() => rememberLogin(refusing, GRACE, 'smartcard')).not.toThrow();
    expect(rememberedLogin(refusing, GRACE)).toBeNull();
    expect(rememberedLogin(null, GRACE)).toBeNull();
  });
});

describe('the dashboard address', () => {
  it('rule: the tab and page come from the address; anything unknown shows page 1 of In progress', () => {
    expect(readDashboardAddress(new URLSearchParams('tab=rejected&page=3'))).toEqual({ tab: 'rejected', page: 3 });
    expect(readDashboardAddress(new URLSearchParams('tab=everything&page=-2'))).toEqual({ tab: 'in-progress', page: 1 });
    expect(readDashboardAddress(new URLSearchParams(''))).toEqual({ tab: 'in-progress', page: 1 });
    expect(dashboardHref('resend-required', 1)).toBe('/apply/home?tab=resend-required');
    expect(dashboardHref('done', 2)).toBe('/apply/home?tab=done&page=2');
  });

  it('rule: 25 to a page, so 26 applications take 2 pages and none takes 1', () => {
    expect(pageCount(26, 25)).toBe(2);
    expect(pageCount(25, 25)).toBe(1);
    expect(pageCount(0, 25)).toBe(1);
  });
});

describe('bulk invitations file', () => {
  it('rule: the example file has the columns in the order the service reads them, then two applicants', () => {
    const lines = bulkExampleCsv(42).trimEnd().split('\r\n');
    expect(lines[0]).toBe(BULK_COLUMNS.join(','));
    expect(lines).toHaveLength(3);
    expect(lines[1]?.split(',')[BULK_COLUMNS.indexOf('position_id')]).toBe('42');
  });

  it('rule: a field with a comma or a quote is quoted', () => {
    expect(csvField('Ward 4, Leeds')).toBe('"Ward 4, Leeds"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('plain')).toBe('plain');
  });

  it('rule: no file, not a CSV, empty or too big is refused in words before reading', () => {
    expect(bulkFileProblem(null)).toBe('Select a CSV file');
    expect(bulkFileProblem({ name: 'staff.xlsx', size: 100 })).toBe('The selected file must be a CSV');
    expect(bulkFileProblem({ name: 'staff.csv', size: 0 })).toBe('The selected file is empty');
    expect(bulkFileProblem({ name: 'staff.csv', size: 2_000_001 })).toMatch(/smaller than 2 MB/);
    expect(bulkFileProblem({ name: 'STAFF.CSV', size: 2_000 })).toBeNull();
  });
});
