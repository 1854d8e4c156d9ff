// sfdx-lwc-jest 7.9 resolves `lwc` to the @lwc/engine-dom it depends on (8.x), while its transformer compiles
// templates with the hoisted @lwc/compiler, which is lwc 9's. The engine then logs a version-mismatch error
// for every component. The preview builds with lwc 9 too, so tests run on lwc 9's engine: the code the
// components are compiled for, and the one they are previewed with.
const path = require('path');
const base = require('@salesforce/sfdx-lwc-jest/src/resolver.js');

const lwcDir = path.dirname(require.resolve('lwc')); // the package's own folder (its exports hide package.json)
// lwc 9's engine is an ES module package; its CommonJS build is the one jest's runtime can load.
const engine = path.join(path.dirname(require.resolve('@lwc/engine-dom', { paths: [lwcDir] })), 'index.cjs');

module.exports = function resolve(modulePath, options) {
    if (modulePath === 'lwc' || modulePath === '@lwc/engine-dom') return engine;
    return base(modulePath, options);
};
