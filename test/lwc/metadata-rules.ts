// Static checks of the SFDX source tree (objects, fields, permission sets, LWC bundles): the mistakes a
// deploy would reject, caught without an org. The rules are local-org's deploy validation (one
// implementation, the one a deploy to local-org runs): the tree is converted as the CLI converts it and
// validated as a dry-run deploy to a blank org. Input is the tree as a map of relative path -> file text,
// so tests can break one file at a time and see the rule fire.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { convertSource, deployFiles, openOrgStore, SourceConversionError } from '@reco/local-org';

export type SourceTree = Map<string, string>;

const PROJECT = path.resolve(import.meta.dirname, '../..');

/** Reads every file under dir (the SFDX package directory) into a SourceTree keyed by relative path. */
export function readSourceTree(dir: string): SourceTree {
  const tree: SourceTree = new Map();
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    const rel = path.relative(dir, full).split(path.sep).join('/');
    if (rel.includes('/__tests__/')) continue;
    tree.set(rel, fs.readFileSync(full, 'utf8'));
  }
  return tree;
}

/** Every problem a deploy of the tree would report, each naming its file; an empty list means it deploys. */
export function validateSourceTree(tree: SourceTree): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reco-source-tree-'));
  const store = openOrgStore({});
  try {
    // The project files travel along: .forceignore keeps tooling files out of the package, as for sf.
    for (const f of ['sfdx-project.json', '.forceignore']) fs.copyFileSync(path.join(PROJECT, f), path.join(dir, f));
    for (const [rel, content] of tree) {
      const file = path.join(dir, 'force-app', rel);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
    }
    let files: Map<string, Buffer>;
    try {
      files = convertSource(path.join(dir, 'force-app'));
    } catch (e) {
      if (e instanceof SourceConversionError) return [`${path.relative(path.join(dir, 'force-app'), e.file)}: ${e.message.slice(e.file.length + 2)}`];
      throw e;
    }
    return deployFiles(store, files, { checkOnly: true }).failures.map((f) => `${f.fileName}: ${f.problem}`);
  } finally {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
