import {fileURLToPath} from 'node:url';
import {join} from 'node:path';

/** The installed package root (holds templates/, rules/, fixtures/, data/). */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const TEMPLATES_DIR = join(PACKAGE_ROOT, 'templates', 'home');
export const SHIPPED_RULES_DIR = join(PACKAGE_ROOT, 'rules');
export const DEMO_DIR = join(PACKAGE_ROOT, 'fixtures', 'demo');
