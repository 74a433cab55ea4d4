import {PACKAGE_MANIFEST} from '../kernel/package-root.js';

/** The package version, from package.json (recorded in every RunRecord). */
export const HARDSTOP_VERSION: string = PACKAGE_MANIFEST.version;
