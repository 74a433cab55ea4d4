import type {Hook} from '@oclif/core';
import {reportUsageError, unknownCommandDiagnostic} from '../app/usage.js';

/** `hardstop alert list`: a did-you-mean and the status line, exit 2 (never oclif's bare error). */
const hook: Hook<'command_not_found'> = async function (opts) {
  reportUsageError(unknownCommandDiagnostic(opts.id, opts.config.commandIDs, opts.config.bin), opts.argv ?? []);
};

export default hook;
