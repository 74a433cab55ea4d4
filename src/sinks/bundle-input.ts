import {readVerifiedBundle} from '../reports/bundle/reader.js';
import {ReportError} from '../reports/errors.js';
import type {BundleView} from './bundle-alert.js';

/**
 * Verifies a bundle with the full `export verify` and reads what the sinks need (the bundle's
 * typed reader). Any problem refuses the whole bundle (exit 2) before a single request is made.
 */
export function openBundle(dir: string, displayDir: string): BundleView {
  let read: ReturnType<typeof readVerifiedBundle>;
  try {
    read = readVerifiedBundle(dir);
  } catch (err) {
    if (!(err instanceof ReportError)) throw err;
    throw new ReportError(err.code, `${err.message.replace(dir, displayDir)}; nothing was sent`, {
      hint: 'the bundle was changed or is incomplete since `hardstop export bundle` wrote it: run `hardstop export verify` on it, then export a fresh bundle',
      diagnostics: err.diagnostics.map((d) => ({...d, message: d.message.replace(dir, displayDir)})),
    });
  }
  return {
    dir: displayDir,
    manifestHash: read.manifest.manifest_hash,
    generatedAt: read.manifest.generated_at,
    alerts: read.alerts,
    blockedSources: read.brief.summary.sources.blocked,
  };
}
