/**
 * The four renderings of the brief (§8.2), each a pure function of the read model: the same
 * model gives byte-identical output.
 */
import {prettyCanonicalJson} from '../../kernel/canonical-json.js';
import type {BriefModelV2} from './model.js';
import {renderBriefHtml} from './render-html.js';
import {renderBriefMarkdown} from './render-markdown.js';
import {renderBriefText} from './render-text.js';

export type BriefFormat = 'md' | 'json' | 'html' | 'text';
export const BRIEF_FORMATS: readonly BriefFormat[] = ['md', 'json', 'html', 'text'];

/** File names of the renderings (`run --brief-out`, export bundles). */
export const BRIEF_FILES: Record<Exclude<BriefFormat, 'text'>, string> = {json: 'brief.v2.json', md: 'brief.v2.md', html: 'brief.html'};

/** JSON: the model in JCS key order, 2-space indent, UTF-8 unescaped, one final newline. */
export function renderBriefJson(model: BriefModelV2): string {
  return prettyCanonicalJson(model);
}

export function renderBriefV2(model: BriefModelV2, format: BriefFormat, opts: {color?: boolean} = {}): string {
  switch (format) {
    case 'json':
      return renderBriefJson(model);
    case 'md':
      return renderBriefMarkdown(model);
    case 'html':
      return renderBriefHtml(model);
    case 'text':
      return renderBriefText(model, opts);
    default:
      throw new RangeError(`unknown brief format: ${String(format)}`);
  }
}
