#!/usr/bin/env node
// Writes oclif.manifest.json after a build, so that running one command loads only that
// command's module instead of importing every command to discover them (~1 s per start).
import {writeFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {Plugin} from '@oclif/core';

const root = fileURLToPath(new URL('..', import.meta.url));
const plugin = new Plugin({root, type: 'core', ignoreManifest: true, errorOnManifestCreate: true, isRoot: true});
await plugin.load();
writeFileSync(new URL('../oclif.manifest.json', import.meta.url), `${JSON.stringify(plugin.manifest, null, 2)}\n`);
console.error(`oclif.manifest.json: ${Object.keys(plugin.manifest.commands).length} commands`);
