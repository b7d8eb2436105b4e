import { useEffect, useState } from 'react';
import { IDENTITY_DOCUMENT_NAMES, type IdentityDocumentKind } from '../../../src-shared/api/apply.js';
import { useServiceQuery } from '../../api/service-query.js';
import { ErrorSummary } from '../../components/error-summary.js';

// One identity document or photograph, shown to the ID checker. The image comes through the
// agent as base64 and is shown from a blob: address (the page's CSP allows 'self' and blob:
// images only), which is revoked when the viewer closes. Nothing of it is kept: the query is
// dropped from the cache as soon as no viewer shows it, and it is never loaded again by itself
// (each load is audited as a view of the document).

export function DocumentViewer({ reference, documentId, kind, applicantName }: { reference: string; documentId: number; kind: IdentityDocumentKind; applicantName: string }) {
  const query = useServiceQuery(
    'applyCheckDocument',
    { params: { reference, documentId } },
    { gcTime: 0, staleTime: Infinity, refetchOnWindowFocus: false, refetchOnReconnect: false, retry: false },
  );
  const url = useBlobUrl(query.data);
  const name = IDENTITY_DOCUMENT_NAMES[kind];
  return (
    <figure className="app-document-viewer nhsuk-u-margin-bottom-5">
      <div role="status" className="nhsuk-body">
        {query.isPending ? `Loading the ${name.toLowerCase()}…` : ''}
      </div>
      {query.isError && <ErrorSummary errors={[{ text: query.error.message }]} />}
      {url && <img className="app-document-viewer__image" src={url} alt={`${name} uploaded by ${applicantName}`} />}
      <figcaption className="nhsuk-body-s">{`${name} uploaded by ${applicantName}`}</figcaption>
    </figure>
  );
}

/** A blob: address for the image while the component shows it; revoked when it goes. */
function useBlobUrl(content: { mime: string; base64: string } | undefined): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!content) return;
    const bytes = Uint8Array.from(atob(content.base64), (c) => c.charCodeAt(0));
    const made = URL.createObjectURL(new Blob([bytes], { type: content.mime }));
    // The address exists only once the blob does, so it is set here, after the render.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setUrl(made);
    return () => {
      URL.revokeObjectURL(made);
      setUrl(null);
    };
  }, [content]);
  return url;
}
