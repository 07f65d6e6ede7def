// Typed errors of the admin tools: one base class, a stable string code.

export type AdminErrorCode =
  | 'BANS_UNREADABLE' // bans.json exists but cannot be read (permissions, I/O)
  | 'BANS_CORRUPT' // bans.json is not valid JSON or not the expected shape
  | 'BANS_TOO_LARGE' // bans.json exceeds ADMIN_BANS_MAX_BYTES
  | 'BANS_VERSION' // bans.json was written by another layout version
  | 'BANS_WRITE' // the atomic write failed; the old list is still on disk
  | 'ADMINS_UNREADABLE' // the --admins file cannot be read
  | 'ADMINS_BAD_LINE'; // the --admins file holds a line that is not an identity

export class AdminError extends Error {
  readonly code: AdminErrorCode;
  constructor(code: AdminErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AdminError';
    this.code = code;
  }
}
