// CRM text arrives wrapped in things that are not the customer's words: ticket boilerplate, signatures,
// quoted earlier replies and legal disclaimers. Scoring them would make every long email thread look like
// the first message in it, and every signature's "Best regards" look positive.

/** Bodies longer than this are cut before any regex runs, so a 1 MB body costs what a 20 kB one does. */
export const MAX_CLEAN_INPUT = 20_000;
/** What the scorer keeps after cleaning: the customer's latest words, not a whole thread. */
export const MAX_SCORED_CHARS = 4_000;

export type CleanResult = { text: string; truncated: boolean };

const QUOTE_HEADERS = [
  /^-{2,}\s*original message\s*-{2,}/im,
  /^-{2,}\s*forwarded message\s*-{2,}/im,
  /^_{5,}\s*$/m,
  // "On Mon, 3 Jun 2024 at 10:00, Jane <jane@x.com> wrote:" — may wrap onto a second line.
  /^on\s[^\n]{0,200}?(\n[^\n]{0,200}?)?\swrote:\s*$/im,
  /^from:\s.+\n(?:.*\n){0,3}?(?:sent|date):\s/im,
  /^-{2,}\s*reply above this line\s*-{2,}/im,
];

const SIGNATURE_START = [
  /^--\s*$/m,
  /^(?:best|kind|warm)?\s*regards,?\s*$/im,
  /^(?:many\s+)?thanks(?: again)?,?\s*$/im,
  /^(?:cheers|sincerely|best|thank you),?\s*$/im,
  /^sent from my (?:iphone|ipad|android|mobile|phone|galaxy)/im,
  /^get outlook for /im,
];

const DISCLAIMER = [
  /^(?:confidentiality notice|disclaimer|this (?:e-?mail|message)(?: and any attachments)? (?:is|are|may be) (?:confidential|intended))[\s\S]*$/im,
];

// Ticket-system lines that carry no customer voice.
const BOILERPLATE_LINES = [
  /^\s*(?:ticket|case|request|incident)\s*(?:#|no\.?|number|id)\s*:?\s*[\w-]+\s*$/i,
  /^\s*\[?(?:ticket|case)\s*#?[\w-]+\]?\s*(?:has been|was)\s+(?:created|updated|received)\b.*$/i,
  /^\s*(?:priority|status|category|assignee|assigned to|requester|submitted by|created|updated)\s*:.*$/i,
  /^\s*(?:please (?:do not|don't) (?:reply|write) (?:to|below) this (?:e-?mail|line|message)).*$/i,
  /^\s*this is an automated (?:message|response|email).*$/i,
];

function cutAt(text: string, patterns: RegExp[]): string {
  let end = text.length;
  for (const p of patterns) {
    const m = p.exec(text);
    // A header at the very top means the message IS a forward: keep it rather than scoring nothing.
    if (m && m.index > 0 && m.index < end) end = m.index;
  }
  return text.slice(0, end);
}

function stripHtml(text: string): string {
  if (!/<[a-z!/][^>]*>/i.test(text)) return text;
  return text
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<blockquote[\s\S]*?<\/blockquote>/gi, '\n')
    .replace(/<br\s*\/?>|<\/(?:p|div|li|tr|h\d)>/gi, '\n')
    .replace(/<[^>]{0,500}>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&quot;/g, '"');
}

/** The customer's own words from a CRM body: boilerplate, quotes, signatures and disclaimers removed. */
export function cleanCrmText(raw: string | null | undefined, maxChars = MAX_SCORED_CHARS): CleanResult {
  if (!raw) return { text: '', truncated: false };
  let truncated = raw.length > MAX_CLEAN_INPUT;
  let text = stripHtml(truncated ? raw.slice(0, MAX_CLEAN_INPUT) : raw).replace(/\r\n?/g, '\n');
  text = cutAt(text, QUOTE_HEADERS);
  text = text
    .split('\n')
    .filter((line) => !/^\s*>/.test(line) && !BOILERPLATE_LINES.some((p) => p.test(line)))
    .join('\n');
  text = cutAt(text, SIGNATURE_START);
  text = cutAt(text, DISCLAIMER);
  text = text.replace(/https?:\/\/\S+/g, ' ').replace(/\S+@\S+\.\w+/g, ' ').replace(/[ \t]+/g, ' ').replace(/\n{2,}/g, '\n').trim();
  if (text.length > maxChars) {
    // Cut at a sentence end where one is near, so the last scored sentence is whole.
    const stop = text.lastIndexOf('.', maxChars);
    text = text.slice(0, stop > maxChars * 0.8 ? stop + 1 : maxChars);
    truncated = true;
  }
  return { text, truncated };
}
