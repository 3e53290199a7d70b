/**
 * Spreadsheet downloads (issue 13, docs/decisions/028): the same export as CSV and as Excel. Plain
 * links with `download`: the browser sends the session cookie and saves the attachment.
 */
export function ExportLinks({ href, what }: { href: string; what: string }) {
  const sep = href.includes('?') ? '&' : '?';
  return (
    <span className="export-links">
      <a className="btn btn-secondary" href={`${href}${sep}format=xlsx`} download title={`${what} as an Excel workbook`}>
        Export Excel
      </a>{' '}
      <a className="btn btn-secondary" href={`${href}${sep}format=csv`} download title={`${what} as CSV`}>
        Export CSV
      </a>
    </span>
  );
}
