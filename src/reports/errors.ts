import {HardstopError} from '../kernel/errors.js';

/** A report or export cannot be produced or read (a refused brief, a bad bundle, a busy --out). */
export class ReportError extends HardstopError {}
