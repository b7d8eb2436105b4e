import type { z } from 'zod';
import type { DeliveryAddress, DocumentSummary } from '../../../src-shared/api/apply.js';

// Words the ID check and cards-to-issue pages share: an address on one line, a file's size.

/** "Ward 12, Training General Hospital, Leeds, LS1 4AP"; "Not given" when there is none. */
export function addressText(address: DeliveryAddress | null): string {
  if (!address) return 'Not given';
  return [address.line1, address.line2, address.town, address.postcode].filter((part) => part !== undefined && part !== '').join(', ');
}

/** "2.4 MB", "86 KB": an upload's size as people read it. */
export function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

export const MIME_NAMES: Record<z.infer<typeof DocumentSummary>['mime'], string> = { 'image/jpeg': 'JPEG image', 'image/png': 'PNG image' };
