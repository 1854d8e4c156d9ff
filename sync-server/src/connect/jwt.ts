// The JWT bearer assertion (RFC 7523) Salesforce expects, signed RS256 with node:crypto: jsforce 3 dropped its
// JwtOAuth2 helper and the flow needs nothing more than a signed three-part token.
import { createSign } from 'node:crypto';

const b64url = (data: string | Buffer): string => Buffer.from(data).toString('base64url');

export type JwtClaims = { clientId: string; username: string; audience: string; lifetimeSeconds?: number; now?: Date };

export function signJwtAssertion(privateKeyPem: string, claims: JwtClaims): string {
  const iat = Math.floor((claims.now ?? new Date()).getTime() / 1000);
  const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
  const payload = b64url(
    JSON.stringify({ iss: claims.clientId, sub: claims.username, aud: claims.audience, exp: iat + (claims.lifetimeSeconds ?? 180) }),
  );
  const signer = createSign('RSA-SHA256');
  signer.update(`${header}.${payload}`);
  return `${header}.${payload}.${signer.sign(privateKeyPem).toString('base64url')}`;
}

/** Salesforce's audience is the login host (production or sandbox), or the community/My Domain URL. */
export function jwtAudience(loginUrl: string): string {
  const host = new URL(loginUrl).hostname;
  if (host === 'test.salesforce.com' || host.endsWith('.sandbox.my.salesforce.com')) return 'https://test.salesforce.com';
  if (host === 'login.salesforce.com' || host.endsWith('.my.salesforce.com')) return 'https://login.salesforce.com';
  return loginUrl;
}
