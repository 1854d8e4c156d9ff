// Finds credentials in log lines: the exact values the campaign knows (client secret, passwords, refresh and
// access tokens it was given or saw, the rep's private key), and anything shaped like a Salesforce session or
// refresh token or a PEM private key, since tokens refreshed inside the sync process are never seen outside it.
export type SecretFinding = { source: string; line: number; what: string };

const SHAPES: Array<{ what: string; re: RegExp }> = [
  { what: 'an access token (session id)', re: /\b00D[A-Za-z0-9]{12,15}![A-Za-z0-9._]{20,}/ },
  { what: 'a refresh token', re: /\b5Aep861[A-Za-z0-9._-]{20,}/ },
  { what: 'a private key', re: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
  { what: 'a bearer token', re: /Bearer\s+[A-Za-z0-9!._-]{20,}/i },
];

export class SecretScanner {
  private readonly known = new Map<string, string>();
  public readonly findings: SecretFinding[] = [];
  public linesScanned = 0;

  /** Adds exact values to look for (short or empty ones are ignored: they would match by chance). */
  public know(what: string, value: string | null | undefined): void {
    if (!value || value.length < 8) return;
    this.known.set(value, what);
    // A PEM key's body lines are secret on their own (a log may break the key into lines).
    if (value.includes('-----BEGIN')) for (const l of value.split('\n')) if (l.length >= 40 && !l.startsWith('-----')) this.known.set(l, what);
  }

  public scan(source: string, text: string): void {
    text.split('\n').forEach((line, i) => {
      if (line === '') return;
      this.linesScanned += 1;
      for (const [value, what] of this.known) if (line.includes(value)) this.findings.push({ source, line: i + 1, what });
      for (const s of SHAPES) if (s.re.test(line)) this.findings.push({ source, line: i + 1, what: s.what });
    });
  }
}
