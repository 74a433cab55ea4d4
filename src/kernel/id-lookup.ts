import {UsageError} from './errors.js';
import {didYouMean} from './text.js';
import type {DiagnosticCode} from './diagnostic-codes.js';

/** How to look up an id a user typed (a flag value or an argument) among the ids that exist. */
export interface IdLookup {
  /** The diagnostic code: ALERT_NOT_FOUND, RUN_GROUP_NOT_FOUND, SOURCE_UNKNOWN. */
  code: DiagnosticCode;
  /** What the id names, for the message: "run group", "alert", "source". */
  what: string;
  /** Where it was given: "--run", "<alert_id>". */
  given_as: string;
  /** Where the known ids come from, for the message: "in this home's RunRecords". */
  where: string;
  /** The command that lists the known ids, for the hint when nothing is close. */
  list_hint: string;
  /**
   * A unique prefix of at least this many characters names the full id (run groups: the
   * status line prints the first 8 characters). Absent: only exact ids.
   */
  min_prefix?: number;
}

/**
 * The known id that `given` names, or a UsageError (exit 2, `lookup.code`) with a did-you-mean
 * over the known ids: an id that names nothing must never pass as an empty selection.
 */
export function resolveKnownId(given: string, known: Iterable<string>, lookup: IdLookup): string {
  const ids = [...known];
  if (ids.includes(given)) return given;
  if (lookup.min_prefix !== undefined && given.length >= lookup.min_prefix) {
    const matches = ids.filter((id) => id.startsWith(given));
    if (matches.length === 1) return matches[0];
    if (matches.length > 1) {
      throw new UsageError(lookup.code, `${lookup.given_as}: "${given}" is the start of ${matches.length} ${lookup.what} ids`, {
        hint: `give more characters, e.g. ${matches.slice(0, 3).join(', ')}`,
      });
    }
  }
  const near = didYouMean(given, ids);
  throw new UsageError(lookup.code, `${lookup.given_as}: no ${lookup.what} "${given}" ${lookup.where}`, {
    hint: near ? `did you mean ${near}?` : ids.length === 0 ? `there is none yet; ${lookup.list_hint}` : `${lookup.list_hint}`,
  });
}
