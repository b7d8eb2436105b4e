import type { FastifyRequest } from 'fastify';
import { IDENTITY_DOCUMENT_NAMES, IdentityDocumentKind } from '../../src-shared/api/apply.js';
import { appendAudit } from '../audit/audit-log.js';
import { seal } from '../crypto/secret-box.js';
import type { ServiceContext } from '../service-context.js';
import { html } from '../sign-in/html.js';
import type { Outcome } from './applicant-details.js';
import { FOREIGN_FIELDS } from './applicant-form.js';
import { APPLICANT_PATHS as P, applyPage, csrfField, donePage, formProblem, problemsSummary, summaryList, titled, type FieldProblem } from './applicant-pages.js';
import { csrfMatches, whileOpen, type ApplicantSession } from './applicant-session.js';
import { checkImage, documentSealContext, readUpload, sizeText, TOO_BIG } from './applicant-upload.js';

// The texted link's step: the applicant chooses an identity document, uploads a photo of it and
// a photograph of their face, checks, and submits. Each image is sealed with the data key before
// it is stored; a new upload replaces the one before it. Once uploaded, an image is only ever
// named on these pages ("uploaded: passport, 1.2 MB"), never shown.

const DOCUMENT_KINDS = IdentityDocumentKind.options.filter((k) => k !== 'face-photo');
type Slot = 'document' | 'face-photo';
/** A document's name inside a sentence ("passport", "UK photocard driving licence"). */
const docName = (k: IdentityDocumentKind): string => (IDENTITY_DOCUMENT_NAMES[k].startsWith('UK ') ? IDENTITY_DOCUMENT_NAMES[k] : IDENTITY_DOCUMENT_NAMES[k].toLowerCase());

const pageOf = (body: string, status = 200): Outcome => ({ status, body });

/** What the applicant has uploaded so far: kind and size only. */
async function uploaded(ctx: ServiceContext, applicationId: number): Promise<{ kind: IdentityDocumentKind; sizeBytes: number }[]> {
  const rows = await ctx.db.selectFrom('application_documents').select(['kind', 'size_bytes as sizeBytes']).where('application_id', '=', applicationId).orderBy('id').execute();
  return rows.map((r) => ({ kind: IdentityDocumentKind.parse(r.kind), sizeBytes: r.sizeBytes }));
}

function chooseForm(problems: readonly FieldProblem[], chosen?: string): Outcome {
  const error = problems.length > 0;
  return pageOf(
    applyPage(
      titled('Which identity document will you upload?', problems),
      html`${problemsSummary(problems)}
<form method="get" action="${P.identityDocument}" novalidate>
<div class="nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}">
  <fieldset class="nhsuk-fieldset" aria-describedby="type-hint${error ? ' type-error' : ''}">
    <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--l"><h1 class="nhsuk-fieldset__heading">Which identity document will you upload?</h1></legend>
    <div class="nhsuk-hint" id="type-hint">Choose a document with your photo on it that has not expired. You will upload a photo of it next, then a photograph of your face.</div>
    ${error ? html`<span class="nhsuk-error-message" id="type-error"><span class="nhsuk-u-visually-hidden">Error:</span> ${problems[0]?.text}</span>` : ''}
    <div class="nhsuk-radios" id="type">
${DOCUMENT_KINDS.map(
  (k, i) => html`      <div class="nhsuk-radios__item">
        <input class="nhsuk-radios__input" id="type-${i}" name="type" type="radio" value="${k}"${chosen === k ? html` checked` : ''}>
        <label class="nhsuk-label nhsuk-radios__label" for="type-${i}">${IDENTITY_DOCUMENT_NAMES[k]}</label>
      </div>
`,
)}    </div>
  </fieldset>
</div>
<button class="nhsuk-button" type="submit" data-module="nhsuk-button">Continue</button>
</form>`,
    ),
    error ? 400 : 200,
  );
}

/** Choose the document type (a GET form: choosing stores nothing). */
export function chooseDocumentPage(s: ApplicantSession): Outcome {
  if (s.completed) return { redirect: P.identityDone };
  return chooseForm([]);
}

function uploadForm(s: ApplicantSession, slot: Slot, kind: IdentityDocumentKind, problems: readonly FieldProblem[], status = problems.length > 0 ? 400 : 200): Outcome {
  const isPhoto = slot === 'face-photo';
  const heading = isPhoto ? 'Upload a photograph of your face' : `Upload a photo of your ${docName(kind)}`;
  const hint = isPhoto
    ? 'This photograph will be printed on your smartcard. Take it against a plain, light background, facing the camera, with nothing covering your face. A JPEG or PNG image, smaller than 10 MB.'
    : 'Make sure the whole document is in the photo, the writing can be read and there is no glare. A JPEG or PNG image, smaller than 10 MB.';
  const error = problems.find((p) => p.field === 'file');
  return pageOf(
    applyPage(
      titled(heading, problems),
      html`${problemsSummary(problems)}
<h1 class="nhsuk-heading-l">${heading}</h1>
<form method="post" action="${isPhoto ? P.identityPhoto : P.identityDocument}" enctype="multipart/form-data" novalidate data-upload>
${csrfField(s.csrf)}
${isPhoto ? '' : html`<input type="hidden" name="type" value="${kind}">`}
<div class="nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}">
  <label class="nhsuk-label" for="file">${isPhoto ? 'Photograph of your face' : `Photo of your ${docName(kind)}`}</label>
  <div class="nhsuk-hint" id="file-hint">${hint}</div>
  ${error ? html`<span class="nhsuk-error-message" id="file-error"><span class="nhsuk-u-visually-hidden">Error:</span> ${error.text}</span>` : ''}
  <input class="nhsuk-input" id="file" name="file" type="file" accept="image/jpeg,image/png" aria-describedby="file-hint${error ? ' file-error' : ''}">
</div>
<div id="upload-status" hidden>
  <label class="nhsuk-label" for="upload-progress">Upload progress</label>
  <progress id="upload-progress" max="100" value="0">0%</progress>
</div>
<p class="nhsuk-body" id="upload-live" aria-live="polite"></p>
<button class="nhsuk-button" type="submit" data-module="nhsuk-button">Upload</button>
</form>`,
      [P.uploadScript],
    ),
    status,
  );
}

/** The upload page of the chosen document; without a known type, the choice again. */
export function documentUploadPage(s: ApplicantSession, type: unknown): Outcome {
  if (s.completed) return { redirect: P.identityDone };
  const kind = DOCUMENT_KINDS.find((k) => k === type);
  if (!kind) return chooseForm([formProblem('type-0', 'Select the identity document you will upload')]);
  return uploadForm(s, 'document', kind, []);
}

export function photoUploadPage(s: ApplicantSession): Outcome {
  if (s.completed) return { redirect: P.identityDone };
  return uploadForm(s, 'face-photo', 'face-photo', []);
}

/** A problem page for a form this session did not make (no form token, or another's). */
export const FORM_EXPIRED = { status: 403, heading: 'This page has expired', text: 'Go back, refresh the page and try again.' };

/**
 * Takes an upload for `slot`: checks it, seals it, and replaces what the slot held. Anything
 * wrong shows the page again saying what, and stores nothing.
 */
export async function takeUpload(ctx: ServiceContext, s: ApplicantSession, slot: Slot, request: FastifyRequest): Promise<Outcome | 'form-expired'> {
  const read = await readUpload(request, slot === 'document' ? ['type'] : []);
  if (s.completed) return { redirect: P.identityDone };
  const kind: IdentityDocumentKind | undefined = slot === 'face-photo' ? 'face-photo' : DOCUMENT_KINDS.find((k) => k === read.fields.type);
  const again = (text: string, status?: number): Outcome => uploadForm(s, slot, kind ?? 'passport', [formProblem('file', text)], status);
  if (!read.ok) return read.reason === 'too-big' ? again(TOO_BIG, 413) : again('The file could not be read. Choose the file again and select Upload.');
  if (!csrfMatches(s, read.fields.csrf)) return 'form-expired';
  if (read.foreign) return again(FOREIGN_FIELDS);
  if (!kind) return chooseForm([formProblem('type-0', 'Select the identity document you will upload')]);
  const checked = await checkImage(read.file, slot === 'face-photo' ? 'Select a photograph of your face to upload' : 'Select a photo of your document to upload');
  if (!checked.ok) return again(checked.problem);
  const bytes = read.file as Buffer;
  const stored = await whileOpen(ctx, s, async (trx, now) => {
    const same = trx.deleteFrom('application_documents').where('application_id', '=', s.application.id);
    await (slot === 'face-photo' ? same.where('kind', '=', 'face-photo') : same.where('kind', '<>', 'face-photo')).execute();
    await trx
      .insertInto('application_documents')
      .values({ application_id: s.application.id, kind, mime: checked.mime, size_bytes: bytes.length, sealed: seal(ctx.dataKey, bytes, documentSealContext(s.application.id, kind)), uploaded_at: now.getTime() })
      .execute();
  });
  // Closed meanwhile: the step's first page says why.
  if (!stored) return { redirect: P.identity };
  return { redirect: slot === 'face-photo' ? P.identityCheck : P.identityPhoto };
}

/** Check your answers: what is uploaded (named, never shown), each with Change, and Submit. */
export async function identityCheckPage(ctx: ServiceContext, s: ApplicantSession, problems: readonly FieldProblem[] = []): Promise<Outcome> {
  if (s.completed) return { redirect: P.identityDone };
  const docs = await uploaded(ctx, s.application.id);
  const document = docs.find((d) => d.kind !== 'face-photo');
  const photo = docs.find((d) => d.kind === 'face-photo');
  return pageOf(
    applyPage(
      titled('Check your answers', problems),
      html`${problemsSummary(problems)}
<h1 class="nhsuk-heading-l">Check your answers</h1>
${summaryList([
  {
    key: 'Identity document',
    value: document ? `uploaded: ${docName(document.kind)}, ${sizeText(document.sizeBytes)}` : 'Not uploaded',
    change: { href: P.identity, what: 'identity document' },
  },
  { key: 'Photograph of your face', value: photo ? `uploaded: photograph, ${sizeText(photo.sizeBytes)}` : 'Not uploaded', change: { href: P.identityPhoto, what: 'photograph of your face' } },
])}
<p class="nhsuk-body">When you submit, an ID checker compares your photograph with your document. They are deleted once your application has been decided.</p>
<form method="post" action="${P.identitySubmit}" novalidate>
${csrfField(s.csrf)}
<button class="nhsuk-button" id="submit" type="submit" data-module="nhsuk-button">Submit</button>
</form>`,
    ),
    problems.length > 0 ? 400 : 200,
  );
}

/** Submit: finishes the step when both images are there. */
export async function submitIdentity(ctx: ServiceContext, s: ApplicantSession, fields: { foreign: boolean }): Promise<Outcome> {
  if (s.completed) return { redirect: P.identityDone };
  if (fields.foreign) return identityCheckPage(ctx, s, [formProblem('submit', FOREIGN_FIELDS)]);
  const docs = await uploaded(ctx, s.application.id);
  const missing: FieldProblem[] = [];
  if (!docs.some((d) => d.kind !== 'face-photo')) missing.push(formProblem('submit', 'Upload a photo of your identity document: select Change next to Identity document'));
  if (!docs.some((d) => d.kind === 'face-photo')) missing.push(formProblem('submit', 'Upload a photograph of your face: select Change next to Photograph of your face'));
  if (missing.length > 0) return identityCheckPage(ctx, s, missing);
  await whileOpen(ctx, s, async (trx, now) => {
    await trx.updateTable('applications').set({ identity_submitted_at: now.getTime() }).where('id', '=', s.application.id).execute();
    await trx.updateTable('application_links').set({ completed_at: now.getTime() }).where('id', '=', s.linkId).execute();
    await appendAudit(trx, { actor: null, action: 'application.identity-submitted', subject: s.application.reference, details: { applicationId: s.application.id } }, now);
  });
  return { redirect: P.identityDone };
}

export function identityDonePage(s: ApplicantSession): Outcome {
  if (!s.completed) return { redirect: P.identity };
  return pageOf(donePage('Identity documents sent', s.application.reference, 'An ID checker will check your documents. Your sponsor will tell you when your Care ID has been approved and your smartcard is on its way.'));
}
