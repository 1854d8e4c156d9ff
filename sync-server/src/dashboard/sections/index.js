// The dashboard's sections, top to bottom. A section is a module exporting { id, title, render(section),
// load(ctx) }; adding one is a new file and one line here.
import verdict from './verdict.js';
import readiness from './readiness.js';
import evaluation from './evaluation.js';
import impact from './impact.js';
import segments from './segments.js';
import accounts from './accounts.js';
import runs from './runs.js';

export const sections = [verdict, readiness, evaluation, impact, segments, accounts, runs];
