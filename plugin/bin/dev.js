#!/usr/bin/env node
// Runs the plugin from source; @oclif/core registers tsx for the TypeScript files.
import { execute } from '@oclif/core';

await execute({ development: true, dir: import.meta.url });
