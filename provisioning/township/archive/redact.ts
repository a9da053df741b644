/** A PostgreSQL URL as logs and screens show it (issue 16): the password, if any, replaced. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unreadable URL)';
  }
}
