import pkg from '../package.json' with { type: 'json' };

export const VERSION: string = pkg.version;

/** Where the project and its rule pages live. */
export const DOCS_URL = 'https://github.com/probe-lint/probe-lint';
