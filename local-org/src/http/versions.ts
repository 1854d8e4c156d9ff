// API versions the org answers to (31.0 Summer '14 .. 67.0 Summer '26) and the version resources.
export const OLDEST_VERSION = 31;
export const NEWEST_VERSION = 67;
export const LATEST_VERSION = `${NEWEST_VERSION}.0`;

/** Release label of an API version: three releases a year, 50.0 = Winter '21. */
export function releaseLabel(major: number): string {
  const offset = major - 50;
  const year = 21 + Math.floor(offset / 3);
  const season = ['Winter', 'Spring', 'Summer'][offset - Math.floor(offset / 3) * 3];
  return `${season} '${String(year).padStart(2, '0')}`;
}

export function versionList(): { label: string; url: string; version: string }[] {
  const out = [];
  for (let v = OLDEST_VERSION; v <= NEWEST_VERSION; v++) {
    out.push({ label: releaseLabel(v), url: `/services/data/v${v}.0`, version: `${v}.0` });
  }
  return out;
}

/** "v50.0" -> 50.0; undefined for anything the org doesn't serve ("latest" resolves to the newest). */
export function parseVersion(segment: string): number | undefined {
  if (segment === 'latest') return NEWEST_VERSION;
  const m = /^v(\d+)\.0$/.exec(segment);
  if (!m) return undefined;
  const v = Number(m[1]);
  return v >= OLDEST_VERSION && v <= NEWEST_VERSION ? v : undefined;
}

export function versionResources(version: string, identity: string): Record<string, string> {
  const b = `/services/data/v${version}`;
  return {
    tooling: `${b}/tooling`,
    metadata: `${b}/metadata`,
    eclair: `${b}/eclair`,
    folders: `${b}/folders`,
    'prechatForms': `${b}/prechatForms`,
    'async-queries': `${b}/async-queries`,
    query: `${b}/query`,
    serviceTemplates: `${b}/serviceTemplates`,
    recent: `${b}/recent`,
    'connect': `${b}/connect`,
    analytics: `${b}/analytics`,
    commerce: `${b}/commerce`,
    wave: `${b}/wave`,
    search: `${b}/search`,
    identity,
    composite: `${b}/composite`,
    parameterizedSearch: `${b}/parameterizedSearch`,
    jobs: `${b}/jobs`,
    theme: `${b}/theme`,
    nouns: `${b}/nouns`,
    recentlyViewed: `${b}/recentlyViewed`,
    limits: `${b}/limits`,
    sobjects: `${b}/sobjects`,
    actions: `${b}/actions`,
    support: `${b}/support`,
    queryAll: `${b}/queryAll`,
    'ui-api': `${b}/ui-api`,
  };
}
