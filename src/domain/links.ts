/** The web paths emails link to (the UI serves each one; after sign-in a person lands there). */
export const paths = {
  project: (projectId: string) => `/projects/${projectId}`,
  commitment: (projectId: string, commitmentId: string) => `/projects/${projectId}/commitments/${commitmentId}`,
  /** The commitment's Subcontractor SOV editor. */
  ssov: (projectId: string, commitmentId: string) => `/projects/${projectId}/commitments/${commitmentId}/ssov`,
  invoice: (projectId: string, invoiceId: string) => `/projects/${projectId}/invoices/${invoiceId}`,
  invoicing: (projectId: string) => `/projects/${projectId}/invoicing`,
  inviteResponse: (token: string) => `/respond/${encodeURIComponent(token)}`,
  welcome: (token: string) => `/welcome?token=${encodeURIComponent(token)}`,
  resetPassword: (token: string) => `/reset-password?token=${encodeURIComponent(token)}`,
};

/**
 * The invoice page that starts the download of its pay application PDF once it is shown (after a
 * sign-in if needed — an API path would not survive it): the approval email's link (decision 027).
 */
export function pdfDownloadOf(invoicePath: string): string {
  return `${invoicePath}${invoicePath.includes('?') ? '&' : '?'}download=pdf`;
}
