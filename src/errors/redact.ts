/**
 * Secret redaction. Every password or token vaultctl generates or reads is registered here the
 * moment it exists; anything written to a log, error, report or result file goes through `redact`.
 */
export class SecretRegistry {
  private readonly secrets = new Set<string>();

  /** Registers a secret; short strings are ignored (they would redact ordinary words). */
  add(secret: string | undefined): void {
    if (secret && secret.length >= 6) this.secrets.add(secret);
  }

  /** Every registered secret; leak tests grep output for them. */
  list(): readonly string[] {
    return [...this.secrets];
  }

  /** Replaces every registered secret, and any password inside a connection URL, by `***`. */
  redact(text: string): string {
    let out = text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/\s@]*:)[^@\s]*@/gi, '$1***@');
    for (const s of this.secrets) out = out.split(s).join('***');
    return out;
  }
}
