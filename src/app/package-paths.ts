import {packageFile} from '../kernel/package-root.js';

export const TEMPLATES_DIR = packageFile('templates', 'home');
export const SHIPPED_RULES_DIR = packageFile('rules');
export const DEMO_DIR = packageFile('fixtures', 'demo');
