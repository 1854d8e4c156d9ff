// Salesforce's rules for API names (object, field, relationship, permission set and component names): only
// underscores and alphanumerics, begin with a letter, no spaces, no trailing underscore, no two consecutive
// underscores (DeveloperName in the object reference, e.g. object-auradefinitionbundleinfo.html), and "The
// current character limit for creating field names and labels is 40 characters." (help.salesforce.com
// article 000381913). The invalid-name sentence is the one a real org returns for an LWC bundle name
// (forcedotcom/salesforcedx-vscode#3823), with the kind of name in front.

export const MAX_CUSTOM_NAME = 40;

/** True when `name` (without its __c/__r suffix) follows the developer-name character rules. */
export function isValidApiName(name: string): boolean {
  return /^[A-Za-z][A-Za-z0-9_]*$/.test(name) && !name.endsWith('_') && !name.includes('__');
}

/** "The <what> <name> can only contain ..." in the words Salesforce uses for an invalid developer name. */
export function invalidNameProblem(what: string): string {
  return `The ${what} can only contain underscores and alphanumeric characters. It must be unique, begin with a letter, not include spaces, not end with an underscore, and not contain two consecutive underscores.`;
}

/** Salesforce's STRING_TOO_LONG wording for a value over its limit. */
export function tooLongProblem(what: string, value: string, max: number): string {
  return `${what}: data value too large: ${value} (max length=${max})`;
}

/** The name check shared by objects and fields: `base` is the name without __c. */
export function nameProblems(what: string, base: string): string[] {
  const out: string[] = [];
  if (!isValidApiName(base)) out.push(invalidNameProblem(what));
  if (base.length > MAX_CUSTOM_NAME) out.push(tooLongProblem(what, base, MAX_CUSTOM_NAME));
  return out;
}
