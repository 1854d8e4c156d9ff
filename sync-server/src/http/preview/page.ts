// The HTML page that mounts Reco's components for one record, as a Lightning record page would.
export type PageOptions = {
  base: string; // where the router is mounted, e.g. /preview
  recordId: string;
  objectApiName: 'Account' | 'Opportunity';
  appBuilder: Record<string, string | number | boolean>;
};

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

export function renderPage({ base, recordId, objectApiName, appBuilder }: PageOptions): string {
  const attr = (value: string) => escapeHtml(value);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>Reco preview: ${attr(objectApiName)} ${attr(recordId)}</title>
<link rel="stylesheet" href="${attr(base)}/assets/slds/styles/salesforce-lightning-design-system.min.css">
</head>
<body class="slds-scope">
<div class="slds-notify_container" aria-live="polite"></div>
<main id="reco-preview" class="slds-var-p-around_medium"
  data-record-id="${attr(recordId)}" data-object-api-name="${attr(objectApiName)}"
  data-api-base="${attr(base)}/api" data-app-builder="${attr(JSON.stringify(appBuilder))}">
  <h1 class="slds-text-heading_medium slds-var-m-bottom_medium">${attr(objectApiName)} ${attr(recordId)} &mdash; what a sales rep sees</h1>
  <div class="slds-grid slds-gutters slds-wrap">
    <div class="insight slds-col slds-size_1-of-1 slds-medium-size_1-of-3"></div>
    <div class="recommendations slds-col slds-size_1-of-1 slds-medium-size_2-of-3"></div>
  </div>
</main>
<script type="module" src="${attr(base)}/dist/main.js"></script>
</body>
</html>
`;
}

/** The preview's front page: links to the accounts that have recommendations. */
export function renderIndex(base: string, accounts: { id: string; name: string }[]): string {
  const items = accounts
    .map((a) => `<li class="slds-item"><a href="${escapeHtml(base)}/accounts/${escapeHtml(a.id)}">${escapeHtml(a.name)}</a></li>`)
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Reco preview</title>
<link rel="stylesheet" href="${escapeHtml(base)}/assets/slds/styles/salesforce-lightning-design-system.min.css"></head>
<body class="slds-scope"><main class="slds-var-p-around_medium">
<h1 class="slds-text-heading_medium slds-var-m-bottom_small">Reco preview: accounts with recommendations</h1>
${accounts.length ? `<ul class="slds-has-dividers_bottom-space">${items}</ul>` : '<p>No recommendations in the org yet. Run a sync first.</p>'}
</main></body></html>
`;
}

/** App Builder properties from the query string (?rowsPerList=3&showBuyAgain=false&showNextBest=false), checked. */
export function appBuilderProperties(query: Record<string, unknown>): Record<string, string | number | boolean> {
  const props: Record<string, string | number | boolean> = {};
  if (query.rowsPerList !== undefined) {
    const rows = Number(query.rowsPerList);
    if (!Number.isInteger(rows) || rows < 1 || rows > 50) throw new RangeError('rowsPerList must be an integer from 1 to 50');
    props.rowsPerList = rows;
  }
  for (const flag of ['showNextBest', 'showCrossSell', 'showBuyAgain']) {
    const value = query[flag];
    if (value === undefined) continue;
    if (value !== 'true' && value !== 'false') throw new RangeError(`${flag} must be true or false`);
    props[flag] = value === 'true';
  }
  return props;
}
