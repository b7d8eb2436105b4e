import { describe, expect, it } from 'vitest';
import { messageParts } from '../../../src-renderer/training/outbox-links.js';

// The training outbox shows the links in a message as links a trainee can follow.

describe('links in a training outbox message', () => {
  it('rule: an http or https address in a message becomes a link, the words around it stay text', () => {
    expect(messageParts('Prove your identity for your Care ID application: https://localhost:4711/apply/link/abc_DEF-123 (expires in 14 days). From Training NHS Trust.')).toEqual([
      { text: 'Prove your identity for your Care ID application: ' },
      { href: 'https://localhost:4711/apply/link/abc_DEF-123' },
      { text: ' (expires in 14 days). From Training NHS Trust.' },
    ]);
    expect(messageParts('Open http://127.0.0.1:9/apply/link/x.\nThen http://127.0.0.1:9/y, thanks')).toEqual([
      { text: 'Open ' },
      { href: 'http://127.0.0.1:9/apply/link/x' },
      { text: '.\nThen ' },
      { href: 'http://127.0.0.1:9/y' },
      { text: ', thanks' },
    ]);
  });

  it('rule: other schemes and text without an address stay text', () => {
    expect(messageParts('Your security code is 123456. javascript:alert(1) ftp://x.example/ mailto:a@b.example')).toEqual([
      { text: 'Your security code is 123456. javascript:alert(1) ftp://x.example/ mailto:a@b.example' },
    ]);
    expect(messageParts('')).toEqual([]);
  });
});
