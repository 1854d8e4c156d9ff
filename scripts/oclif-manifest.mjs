#!/usr/bin/env node
// Writes oclif.manifest.json for a compiled plugin directory, as `oclif manifest` does (oclif's dev CLI is not
// a dependency here): load the plugin from its compiled commands, ignoring any manifest already there, and
// write what oclif cached. Loading every command from lib/ with plain node also proves the compiled plugin
// needs no TypeScript at run time. Usage: node scripts/oclif-manifest.mjs <plugin dir>
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Plugin } from '@oclif/core';

const dir = resolve(process.argv[2] ?? '.');
const plugin = new Plugin({ root: dir, type: 'core', ignoreManifest: true, errorOnManifestCreate: true, respectNoCacheDefault: true });
await plugin.load();
const ids = Object.keys(plugin.manifest.commands);
if (ids.length === 0) throw new Error(`no commands found under ${join(dir, 'lib/commands')}: was the plugin built?`);
writeFileSync(join(dir, 'oclif.manifest.json'), JSON.stringify(plugin.manifest, null, 2) + '\n');
console.log(`wrote ${join(dir, 'oclif.manifest.json')} (${ids.length} commands: ${ids.sort().join(', ')})`);
