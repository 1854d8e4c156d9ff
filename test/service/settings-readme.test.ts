// The README's settings table is the operator's reference: it must name exactly the variables the code reads
// (the service's schema and the connection settings), and every setting in the schema must have a variable.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { configSchema, envVars } from '@reco/sync-server/config/schema.js';
import { connectionEnvAliases, connectionEnvVars } from '@reco/sync-server/connect/config.js';

const README = path.resolve(import.meta.dirname, '../../README.md');

/** The variables in the first column of the table under "| setting | meaning |". */
function documentedVariables(): { names: string[]; aliases: string[] } {
  const text = readFileSync(README, 'utf8');
  const start = text.indexOf('| setting | meaning |');
  expect(start, 'README has a "| setting | meaning |" table').to.be.greaterThan(-1);
  const rows = text.slice(start).split('\n').slice(2);
  const names: string[] = [];
  const aliases: string[] = [];
  for (const row of rows) {
    if (!row.startsWith('|')) break;
    const [, first, meaning] = row.split('|');
    names.push(...[...first.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1]));
    aliases.push(...[...meaning.matchAll(/`(SF_[A-Z0-9_]+)`/g)].map((m) => m[1]).filter((n) => n in connectionEnvAliases));
  }
  return { names, aliases };
}

// zod wraps an object in defaults, prefaults and preprocessing; the object is inside.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- walking zod's internal definition
function objectShape(schema: any): Record<string, unknown> | null {
  let s = schema;
  for (let i = 0; i < 10 && s; i++) {
    if (s.shape) return s.shape as Record<string, unknown>;
    const def = s._zod?.def ?? s.def;
    s = def?.innerType ?? def?.out ?? def?.schema;
  }
  return null;
}
const leaves = (schema: unknown, prefix = ''): string[] => {
  const shape = objectShape(schema);
  if (!shape) return [prefix];
  return Object.entries(shape).flatMap(([key, child]) => leaves(child, prefix ? `${prefix}.${key}` : key));
};

describe('settings: README table against the schema', () => {
  it('documents every variable the code reads, and only those', () => {
    const { names } = documentedVariables();
    const read = ['RECO_CONFIG_FILE', ...Object.values(envVars), ...Object.values(connectionEnvVars)];
    expect(names.filter((n, i) => names.indexOf(n) !== i), 'listed twice').to.deep.equal([]);
    expect([...names].sort()).to.deep.equal([...read].sort());
  });

  it('mentions the old names still read', () => {
    expect(documentedVariables().aliases.sort()).to.deep.equal(Object.keys(connectionEnvAliases).sort());
  });

  it('gives every setting of the schema an environment variable (the org section is the connection table)', () => {
    const settings = leaves(configSchema).filter((s) => s !== 'org');
    expect(settings.sort()).to.deep.equal(Object.keys(envVars).sort());
  });
});
