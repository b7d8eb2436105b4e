import { crc32, deflateSync } from 'node:zlib';
import { mintApplicantLinks, type LinkPurpose } from '../../../../src-service/apply/applicant-links.js';
import { inTransaction } from '../../../../src-service/store/transaction.js';
import { addApplication, type ApplicationFields } from '../../../support/apply-fixtures.js';
import { actor } from '../../../support/service-fixtures.js';
import type { Harness } from '../cim/cim-harness.js';

// What the applicant-side tests share: an application with fresh links, and a browser that
// keeps its cookies and does not follow redirects (so a test sees each 303 and where it goes).
// (Not a test file: vitest only collects *.test.ts.)

export interface Invited {
  readonly id: number;
  readonly reference: string;
  /** The link paths, as in the email and text message. */
  readonly links: Readonly<Record<LinkPurpose, string>>;
}

/** An application raised by a sponsor in a fresh tree, with both links minted at the harness's now. */
export async function invite(h: Harness, fields: ApplicationFields = {}, at?: Date): Promise<Invited> {
  const { trustA } = await h.tree();
  const sponsor = await actor(h.db, trustA.id, ['S'], 'Sponsor');
  const when = at ?? h.service.ctx.now();
  const app = await addApplication(h.db, { orgId: trustA.id, raisedBy: sponsor.userId, at: when, ...fields });
  return { ...app, links: await mint(h, app.id, when) };
}

/** New links for both steps (a resend): the older ones stop working. */
export async function mint(h: Harness, applicationId: number, at = h.service.ctx.now()): Promise<Record<LinkPurpose, string>> {
  const minted = await inTransaction(h.db, (trx) => mintApplicantLinks(trx, applicationId, ['details', 'identity'], at));
  const path = (p: LinkPurpose): string => `/apply/link/${minted.find((m) => m.purpose === p)?.token ?? ''}`;
  return { details: path('details'), identity: path('identity') };
}

export interface Answer {
  readonly status: number;
  readonly location: string | null;
  readonly text: string;
  readonly headers: Headers;
}

export class Browser {
  private readonly cookies = new Map<string, string>();
  constructor(private readonly base: string) {}

  private async send(method: string, path: string, body?: URLSearchParams | FormData | string, contentType?: string): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (contentType) headers['content-type'] = contentType;
    const res = await fetch(`${this.base}${path}`, { method, headers, redirect: 'manual', ...(body !== undefined ? { body } : {}) });
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const [name = '', ...value] = pair.split('=');
      this.cookies.set(name, value.join('='));
    }
    return { status: res.status, location: res.headers.get('location'), text: await res.text(), headers: res.headers };
  }

  get(path: string): Promise<Answer> {
    return this.send('GET', path);
  }
  /** A plain HTML form post. */
  post(path: string, fields: Record<string, string> = {}): Promise<Answer> {
    return this.send('POST', path, new URLSearchParams(fields));
  }
  /** A multipart form post (an upload). */
  upload(path: string, form: FormData): Promise<Answer> {
    return this.send('POST', path, form);
  }
  raw(path: string, body: string, contentType: string): Promise<Answer> {
    return this.send('POST', path, body, contentType);
  }
  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }
  setCookie(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  /** Follows a link and uses it up (Continue): the browser then holds the step's session. */
  async open(link: string): Promise<Answer> {
    return this.post(link);
  }
}

/** The form token on a page. */
export function csrfOf(page: string): string {
  const m = /name="csrf" value="([^"]+)"/.exec(page);
  if (!m) throw new Error('no form token on the page');
  return m[1] as string;
}

export const h1s = (page: string): string[] => [...page.matchAll(/<h1[^>]*>([\s\S]*?)<\/h1>/g)].map((m) => (m[1] as string).replace(/<[^>]+>/g, '').trim());

/** Every input, select and textarea that a person fills in has a label for its id. */
export function unlabelled(page: string): string[] {
  const ids = [...page.matchAll(/<(?:input|select|textarea)\b([^>]*)>/g)]
    .map((m) => m[1] as string)
    .filter((attrs) => !/type="(hidden|submit)"/.test(attrs))
    .map((attrs) => /\bid="([^"]+)"/.exec(attrs)?.[1] ?? '(no id)');
  return ids.filter((id) => !page.includes(`for="${id}"`));
}

/** A real PNG of about `size` bytes (a text chunk pads it). */
export function pngOf(size = 20_000): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body) >>> 0);
    return Buffer.concat([length, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(8, 0);
  ihdr.writeUInt32BE(8, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const pixels = deflateSync(Buffer.alloc((8 * 3 + 1) * 8, 0x44));
  const head = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr)]);
  const tail = Buffer.concat([chunk('IDAT', pixels), chunk('IEND', Buffer.alloc(0))]);
  const padding = Math.max(0, size - head.length - tail.length - 12 - 8);
  // A distinctive, non-repeating filler, so a test can look for the image's bytes in the table.
  const text = Buffer.concat([Buffer.from('Comment\0', 'latin1'), Buffer.from(Array.from({ length: padding }, (_, i) => 0x41 + ((i * 7 + (i >> 5)) % 26)))]);
  return Buffer.concat([head, chunk('tEXt', text), tail]);
}

/** A JPEG's first bytes and padding: enough for its type to be read from the bytes. */
export function jpegOf(size = 20_000): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00]), Buffer.alloc(size - 11, 0x20)]);
}

/** A multipart upload form: the page's form token, any fields, and one file. */
export function uploadForm(csrf: string, file: { bytes: Buffer; name: string; type?: string } | null, fields: Record<string, string> = {}): FormData {
  const form = new FormData();
  form.append('csrf', csrf);
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  if (file) form.append('file', new Blob([new Uint8Array(file.bytes)], { type: file.type ?? 'application/octet-stream' }), file.name);
  return form;
}
