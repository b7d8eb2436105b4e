import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readEsrFile } from '../../../../src-service/cim/requests-esr-format.js';

// The ESR file formats as docs/esr-feed.md describes them: its CSV example is the training file
// (src-service/seed/training-esr.json) record for record.

describe('ESR file formats', () => {
  it('rule: the documented CSV example reads as the same records as the training JSON file', () => {
    const doc = readFileSync('docs/esr-feed.md', 'utf8');
    const csv = /```\n(esrId,kind[^`]*)```/.exec(doc)?.[1];
    expect(csv).toBeDefined();
    const json = readFileSync('src-service/seed/training-esr.json', 'utf8');
    expect(readEsrFile('csv', csv ?? '')).toEqual(readEsrFile('json', json));
    expect(readEsrFile('json', json)).toHaveLength(4);
  });
});
