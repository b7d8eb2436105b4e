// A QR code the identity service drew (SVG markup from its `qrcode` package: no script, no
// external reference), with its link as text underneath for those who cannot scan.

export function QrCode({ svg, label, link, linkHeading }: { svg: string; label: string; link: string; linkHeading: string }) {
  return (
    <>
      {/* The markup is the service's own drawing of the link, not user content. */}
      <div className="app-qr-code" role="img" aria-label={label} dangerouslySetInnerHTML={{ __html: svg }} />
      <details className="nhsuk-details">
        <summary className="nhsuk-details__summary">
          <span className="nhsuk-details__summary-text">{linkHeading}</span>
        </summary>
        <div className="nhsuk-details__text">
          <p className="app-code" id="qr-code-link">
            {link}
          </p>
        </div>
      </details>
    </>
  );
}
