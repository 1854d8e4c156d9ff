// Checks a JWT-bearer assertion the way Salesforce does: RS256 signature against the connected app's
// certificate (when one is configured), iss = consumer key, sub = a username of the org, exp in the future.
import { createPublicKey, verify, type KeyObject } from 'node:crypto';

export type JwtClaims = { iss?: unknown; sub?: unknown; aud?: unknown; exp?: unknown };

export class JwtError extends Error {
  public constructor(
    public readonly error: string,
    description: string,
  ) {
    super(description);
  }
}

function decodePart(part: string, what: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through to the error below
  }
  throw new JwtError('invalid_grant', `invalid assertion: the JWT ${what} is not base64url-encoded JSON`);
}

export function loadPublicKey(pem: string): KeyObject {
  return createPublicKey(pem);
}

/** Returns the claims of a well-formed, correctly signed and unexpired assertion; throws JwtError otherwise. */
export function checkAssertion(assertion: string, key: KeyObject | undefined, now: Date): JwtClaims {
  const parts = assertion.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p))) {
    throw new JwtError('invalid_grant', 'invalid assertion: expected header.payload.signature');
  }
  const header = decodePart(parts[0], 'header');
  const claims = decodePart(parts[1], 'payload') as JwtClaims;
  if (header.alg !== 'RS256') throw new JwtError('invalid_grant', 'invalid assertion: alg must be RS256');
  if (key) {
    const ok = verify('RSA-SHA256', Buffer.from(`${parts[0]}.${parts[1]}`), key, Buffer.from(parts[2], 'base64url'));
    if (!ok) throw new JwtError('invalid_grant', 'invalid assertion: signature does not match the configured certificate');
  }
  if (typeof claims.exp !== 'number') throw new JwtError('invalid_grant', 'invalid assertion: exp claim missing');
  if (claims.exp * 1000 <= now.getTime()) throw new JwtError('invalid_grant', 'expired authorization code');
  return claims;
}
