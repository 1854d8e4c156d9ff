// The partner SOAP login()/logout() that jsforce falls back to when a Connection has no OAuth client.
// jsforce reads the response by regex, so only the element names and the fault shape matter.

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

const unesc = (s: string): string =>
  s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

const envelope = (body: string): string =>
  '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ' +
  'xmlns="urn:partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>' +
  body +
  '</soapenv:Body></soapenv:Envelope>';

export type SoapCall =
  | { op: 'login'; username: string; password: string }
  | { op: 'logout'; sessionId: string }
  | { op: 'unknown' };

function element(xml: string, name: string): string | undefined {
  const m = new RegExp(`<(?:\\w+:)?${name}(?:\\s[^>]*)?>([^<]*)</(?:\\w+:)?${name}>`).exec(xml);
  return m ? unesc(m[1]) : undefined;
}

export function parseSoapCall(xml: string): SoapCall {
  if (/<(?:\w+:)?login[\s>]/.test(xml)) {
    return { op: 'login', username: element(xml, 'username') ?? '', password: element(xml, 'password') ?? '' };
  }
  if (/<(?:\w+:)?logout[\s/>]/.test(xml)) return { op: 'logout', sessionId: element(xml, 'sessionId') ?? '' };
  return { op: 'unknown' };
}

export type LoginResult = {
  serverUrl: string;
  metadataServerUrl: string;
  sessionId: string;
  userId: string;
  organizationId: string;
  username: string;
  fullName: string;
  email: string;
  sessionSecondsValid: number;
  /** ISO 4217 code of the org's currency. */
  currency: string;
};

/** The symbol Salesforce shows for a currency ("£" for GBP); the code itself when there is no narrower one. */
function currencySymbol(code: string): string {
  const part = new Intl.NumberFormat('en-US', { style: 'currency', currency: code }).formatToParts(0).find((p) => p.type === 'currency');
  return part?.value ?? code;
}

export function loginResponse(r: LoginResult): string {
  return envelope(
    '<loginResponse><result>' +
      `<metadataServerUrl>${esc(r.metadataServerUrl)}</metadataServerUrl>` +
      '<passwordExpired>false</passwordExpired><sandbox>false</sandbox>' +
      `<serverUrl>${esc(r.serverUrl)}</serverUrl>` +
      `<sessionId>${esc(r.sessionId)}</sessionId>` +
      `<userId>${esc(r.userId)}</userId>` +
      `<userInfo><accessibilityMode>false</accessibilityMode><currencySymbol>${esc(currencySymbol(r.currency))}</currencySymbol>` +
      `<orgDefaultCurrencyIsoCode>${esc(r.currency)}</orgDefaultCurrencyIsoCode><organizationId>${esc(r.organizationId)}</organizationId>` +
      `<sessionSecondsValid>${r.sessionSecondsValid}</sessionSecondsValid>` +
      `<userEmail>${esc(r.email)}</userEmail><userFullName>${esc(r.fullName)}</userFullName>` +
      `<userId>${esc(r.userId)}</userId><userName>${esc(r.username)}</userName>` +
      '</userInfo></result></loginResponse>',
  );
}

export function logoutResponse(): string {
  return envelope('<logoutResponse/>');
}

export function soapFault(code: string, message: string): string {
  return envelope(
    `<soapenv:Fault><faultcode>${esc(code)}</faultcode><faultstring>${esc(message)}</faultstring></soapenv:Fault>`,
  );
}
