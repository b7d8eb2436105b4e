import { describe, expect, it } from 'vitest';
import { renewalNotice } from '../../../../src-main/shell/electron/renewal-notice.js';
import { initialState } from '../support/fake-agent.js';
import { signedIn } from '../support/states.js';

// The OS notification for a certificate near expiry: once when such a session starts.

describe('renewalNotice', () => {
  it('a session starting with renewal due: one notice saying when', () => {
    const notice = renewalNotice(initialState(), signedIn({ renewalDue: true, daysToExpiry: 30 }));
    expect(notice?.title).toBe('Your smartcard certificate expires in 30 days');
    expect(notice?.body).toMatch(/Select "Yes" on the Smartcard Expiry Notification/);
  });

  it('says "in 1 day" and "today" properly', () => {
    expect(renewalNotice(undefined, signedIn({ renewalDue: true, daysToExpiry: 1 }))?.title).toBe('Your smartcard certificate expires in 1 day');
    expect(renewalNotice(undefined, signedIn({ renewalDue: true, daysToExpiry: 0 }))?.title).toBe('Your smartcard certificate expires today');
  });

  it('the OS expiry notice for an already-expired certificate says it has expired and to see the RA', () => {
    const notice = renewalNotice(initialState(), signedIn({ renewalDue: true, daysToExpiry: -3 }));
    expect(notice?.title).toBe('Your smartcard certificate has expired');
    expect(notice?.body).toBe('It expired 3 days ago. Make an appointment with your Registration Authority (RA) team to renew it in person.');
    expect(notice?.body).not.toMatch(/Yes/);
    expect(renewalNotice(undefined, signedIn({ renewalDue: true, daysToExpiry: -1 }))?.body).toMatch(/^It expired 1 day ago\./);
  });

  it('not again for later states of the same session', () => {
    const first = signedIn({ renewalDue: true, daysToExpiry: 30 });
    expect(renewalNotice(first, { ...first, version: first.version + 1 })).toBeNull();
  });

  it('again for the next session (a new sign-in)', () => {
    const first = signedIn({ renewalDue: true, daysToExpiry: 30 });
    expect(renewalNotice(first, signedIn({ renewalDue: true, daysToExpiry: 29, signedInAt: '2025-11-24T09:00:00.000Z' }))).not.toBeNull();
  });

  it('nothing when renewal is not due or nobody is signed in', () => {
    expect(renewalNotice(initialState(), signedIn({ renewalDue: false }))).toBeNull();
    expect(renewalNotice(signedIn({ renewalDue: true }), initialState())).toBeNull();
  });
});
