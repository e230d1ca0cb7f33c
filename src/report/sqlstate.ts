/* SQLSTATE codes: https://www.postgresql.org/docs/current/errcodes-appendix.html */

/** What a SQLSTATE means for a rotation, for reports. */
export const SQLSTATE_MEANINGS: Readonly<Record<string, string>> = {
  '28P01': 'password authentication failed (expired, revoked or not yet created credentials)',
  '28000': 'invalid authorization (the role cannot log in)',
  '57P01': 'connection terminated by an administrator (revocation or shutdown ended the session)',
  '57P03': 'the database is starting up or shutting down',
  '42501': 'permission denied (the role lost its grants)',
  '53300': 'too many connections (max_connections reached)',
  '3D000': 'the database does not exist',
  '42P01': 'the table does not exist',
};
