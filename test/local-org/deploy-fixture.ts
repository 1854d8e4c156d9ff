// Shared by the deploy tests: the components a source tree holds (read from its folders, independently of
// local-org's converter) and a zip of a converted package.
import fs from 'node:fs';
import path from 'node:path';
import JSZip from 'jszip';
import { RECO_SOURCE } from '../support/reco-org.js';

const DEFAULT = path.join(RECO_SOURCE, 'main/default');

/** The components the source tree holds, read straight from its folders (not through the converter). */
export function sourceComponents(root = DEFAULT): { objects: string[]; fields: string[]; permissionSets: string[]; bundles: string[] } {
  const dirs = (rel: string) => fs.readdirSync(path.join(root, rel), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  const objects = dirs('objects');
  const fields = objects.flatMap((o) =>
    fs.existsSync(path.join(root, 'objects', o, 'fields')) ? fs.readdirSync(path.join(root, 'objects', o, 'fields')).map((f) => `${o}.${f.replace('.field-meta.xml', '')}`) : [],
  );
  const permissionSets = fs.readdirSync(path.join(root, 'permissionsets')).map((f) => f.replace('.permissionset-meta.xml', ''));
  return { objects, fields: fields.sort(), permissionSets: permissionSets.sort(), bundles: dirs('lwc') };
}

export async function zipOf(files: Map<string, Buffer>, top = ''): Promise<Buffer> {
  const zip = new JSZip();
  for (const [name, data] of files) zip.file(`${top}${name}`, data);
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

