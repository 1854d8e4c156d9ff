// The components live in the SFDX source tree at the repository root (force-app/), not here: source-deploy-
// retrieve misreads any project under a folder named `lwc` (forcedotcom/cli #1395). sfdx-lwc-jest resolves
// components from the sfdx-project.json in the working directory, so jest runs from the root with this config.
const path = require('path');
const { jestConfig } = require('@salesforce/sfdx-lwc-jest/config');

module.exports = {
    ...jestConfig,
    rootDir: path.resolve(__dirname, '..'),
    roots: ['<rootDir>/force-app'],
    resolver: path.join(__dirname, 'jest-resolver.js'),
    setupFilesAfterEnv: [...(jestConfig.setupFilesAfterEnv || []), path.join(__dirname, 'jest-sa11y-setup.js')],
    testTimeout: 10000
};
