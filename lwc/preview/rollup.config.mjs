// Builds the local preview: Reco's own components, compiled with LWC open source next to
// lightning-base-components, with the platform modules the npm package lacks (Lightning Data Service,
// toasts) aliased to small adapters that call the preview server. Output: preview/dist (served by
// sync-server's preview router). Run from lwc/: `npm run build:preview`.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import lwc from '@lwc/rollup-plugin';
import replace from '@rollup/plugin-replace';
import resolve from '@rollup/plugin-node-resolve';

const here = path.dirname(fileURLToPath(import.meta.url));
const componentsDir = path.resolve(here, '../../force-app/main/default/lwc');

// SFDX keeps components in lwc/<name>/, not <namespace>/<name>/, so each one gets an explicit c/<name> alias.
const components = fs
    .readdirSync(componentsDir)
    .filter((name) => fs.existsSync(path.join(componentsDir, name, `${name}.js`)))
    .map((name) => ({ name: `c/${name}`, path: path.join(componentsDir, name, `${name}.js`) }));

const adapters = {
    'lightning/uiRecordApi': 'uiRecordApi.js',
    'lightning/uiRelatedListApi': 'uiRelatedListApi.js',
    'lightning/platformShowToastEvent': 'platformShowToastEvent.js'
};

// Gates whose code needs native shadow DOM (attachInternals), which synthetic shadow lacks.
const closedGates = ['@salesforce/gate/bc.260.enableComboboxElementInternals'].map((name) => ({
    name,
    path: path.join(here, 'src/gates/closed.js')
}));

export default {
    input: path.join(here, 'src/main.js'),
    output: {
        dir: path.join(here, 'dist'),
        format: 'esm',
        entryFileNames: 'main.js',
        chunkFileNames: 'chunks/[name]-[hash].js'
    },
    plugins: [
        replace({
            preventAssignment: true,
            values: {
                'process.env.NODE_ENV': JSON.stringify('production'),
                // lightning-base-components reads it; the browser build has no import.meta.env.
                'import.meta.env.SSR': 'false'
            }
        }),
        lwc({
            modules: [
                ...components,
                ...closedGates,
                ...Object.entries(adapters).map(([name, file]) => ({ name, path: path.join(here, 'src/adapters', file) })),
                { npm: 'lightning-base-components' }
            ]
        }),
        resolve()
    ],
    onwarn(warning, warn) {
        // lightning/card declares the same slot twice in alternate branches; harmless.
        if (/duplicate slot/i.test(warning.message)) return;
        warn(warning);
    }
};
