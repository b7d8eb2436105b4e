import type { FastifyRequest } from 'fastify';
import { fileTypeFromBuffer } from 'file-type';
import { MAX_UPLOAD_BYTES, MIN_UPLOAD_BYTES, UPLOAD_MIME_TYPES, type IdentityDocumentKind } from '../../src-shared/api/apply.js';

// Reading one uploaded image from a multipart form, and deciding whether it is one: the type
// comes from the file's own first bytes (never its name or the browser's claim), the size must
// be between what a readable photo needs and MAX_UPLOAD_BYTES. The multipart reader's limits
// (one file, a few small fields) stop a hostile form before it costs memory.

/** The associated data an identity document is sealed under: a sealed image copied to another application or slot does not open. */
export const documentSealContext = (applicationId: number, kind: IdentityDocumentKind): string => `application-document:${applicationId}:${kind}`;

export const UPLOAD_LIMITS = { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 3, parts: 4, fieldSize: 1024, fieldNameSize: 40, headerPairs: 20 } as const;

export type UploadRead =
  | { readonly ok: true; readonly fields: Readonly<Record<string, string>>; readonly file: Buffer | null; readonly foreign: boolean }
  | { readonly ok: false; readonly reason: 'too-big' | 'unreadable'; readonly fields: Readonly<Record<string, string>> };

/**
 * The form's fields (only `allowed`, each once) and its one file (field `file`). Reads the whole
 * request, so the answer goes out after the upload has been taken in.
 */
export async function readUpload(request: FastifyRequest, allowed: readonly string[]): Promise<UploadRead> {
  const fields: Record<string, string> = {};
  let file: Buffer | null = null;
  let foreign = false;
  if (!request.isMultipart()) return { ok: false, reason: 'unreadable', fields };
  try {
    for await (const part of request.parts({ limits: UPLOAD_LIMITS })) {
      if (part.type === 'file') {
        const bytes = await part.toBuffer();
        if (part.fieldname !== 'file' || file !== null) foreign = true;
        // A form with no file chosen still sends an empty part named after the input.
        else if (bytes.length > 0 || part.filename !== '') file = bytes;
      } else if ((part.fieldname !== 'csrf' && !allowed.includes(part.fieldname)) || Object.hasOwn(fields, part.fieldname) || typeof part.value !== 'string') {
        foreign = true;
      } else {
        fields[part.fieldname] = part.value;
      }
    }
  } catch (err) {
    const code = (err as { code?: string }).code;
    return { ok: false, reason: code === 'FST_REQ_FILE_TOO_LARGE' ? 'too-big' : 'unreadable', fields };
  }
  return { ok: true, fields, file, foreign };
}

export type ImageCheck = { readonly ok: true; readonly mime: (typeof UPLOAD_MIME_TYPES)[number] } | { readonly ok: false; readonly problem: string };

export const TOO_BIG = `The selected file must be smaller than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB`;

/** Whether `bytes` is an image this service takes, and if not, why not in the applicant's words. */
export async function checkImage(bytes: Buffer | null, nothing: string): Promise<ImageCheck> {
  if (bytes === null || bytes.length === 0) return { ok: false, problem: nothing };
  if (bytes.length > MAX_UPLOAD_BYTES) return { ok: false, problem: TOO_BIG };
  const type = await fileTypeFromBuffer(bytes);
  const mime = UPLOAD_MIME_TYPES.find((m) => m === type?.mime);
  if (!mime) return { ok: false, problem: 'The selected file must be a JPEG or PNG image (a photo or a scan)' };
  if (bytes.length < MIN_UPLOAD_BYTES) return { ok: false, problem: `The selected file is too small to be a clear photo: it must be at least ${MIN_UPLOAD_BYTES / 1024} KB` };
  return { ok: true, mime };
}

/** "1.2 MB" or "340 KB". */
export function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}
