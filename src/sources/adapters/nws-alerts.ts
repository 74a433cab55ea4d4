/**
 * api.weather.gov alerts (GeoJSON). Accepts a FeatureCollection (`features` array), a bare
 * array of features, a single Feature, or the JSON-LD form (`@graph` array of alert objects).
 * Anything else is FEED_NOT_A_FEED.
 *
 * One item per feature in document order. Payload = the feature's `properties` verbatim, with
 * every key the pipeline needs present (null / [] / {} when missing): id, event, headline,
 * description, instruction, areaDesc, severity, certainty, urgency, sent, effective, onset,
 * expires, ends, status, messageType, geocode {SAME, UGC}, affectedZones, references,
 * senderName, parameters; plus `@id`, `geometry`, `is_test` (status Test = test traffic, kept
 * and flagged) and the canonical instants sent_at, effective_at, onset_at, expires_at, ends_at.
 *
 * canonical_id = properties.id (else the feature id); title = headline, else event, else
 * "NWS Alert"; url = properties `@id`, else the feature `@id`, else a URL-shaped feature id;
 * published_at = sent.
 */
import {type Diagnostic} from '../../kernel/diagnostic.js';
import {type RawItemCandidate} from '../../model/raw-item.js';
import {FeedError} from './feed-error.js';
import {type AdapterResult, type ItemBuild, addNwsInstants, copyRecord, firstStr, isPlainObject, itemDiag, str} from './common.js';

const DEFAULTS: Array<[string, () => unknown]> = [
  ['id', () => null],
  ['event', () => null],
  ['headline', () => null],
  ['description', () => null],
  ['instruction', () => null],
  ['areaDesc', () => null],
  ['severity', () => null],
  ['certainty', () => null],
  ['urgency', () => null],
  ['sent', () => null],
  ['effective', () => null],
  ['onset', () => null],
  ['expires', () => null],
  ['ends', () => null],
  ['status', () => null],
  ['messageType', () => null],
  ['geocode', () => ({SAME: [], UGC: []})],
  ['affectedZones', () => []],
  ['references', () => []],
  ['senderName', () => null],
  ['parameters', () => ({})],
];

/** The features of an NWS alerts document, or null when the JSON is not one. */
export function nwsFeatures(value: unknown): {format: string; features: unknown[]} | null {
  if (Array.isArray(value)) {
    // A bare array is an alert list when it is empty or any element is a feature; elements
    // that are not become ITEM_INVALID skips.
    const ok = value.length === 0 || value.some((f) => isPlainObject(f) && (isPlainObject(f.properties) || f.type === 'Feature'));
    return ok ? {format: 'nws-geojson-array', features: value} : null;
  }
  if (!isPlainObject(value)) return null;
  if (Array.isArray(value.features) && (value.type === undefined || value.type === 'FeatureCollection')) {
    return {format: 'nws-geojson', features: value.features};
  }
  if (value.type === 'Feature' && isPlainObject(value.properties)) return {format: 'nws-geojson-feature', features: [value]};
  if (Array.isArray(value['@graph'])) {
    const graph = value['@graph'] as unknown[];
    return {format: 'nws-jsonld', features: graph.map((p) => (isPlainObject(p) ? {properties: p} : p))};
  }
  return null;
}

function buildFeature(feature: unknown, index: number): ItemBuild {
  if (!isPlainObject(feature) || !isPlainObject(feature.properties)) {
    return {candidate: null, diagnostics: [itemDiag('ITEM_INVALID', 'warning', 'NWS feature without a properties object; skipped', index)]};
  }
  const diagnostics: Diagnostic[] = [];
  const props = feature.properties;
  const payload: Record<string, unknown> = copyRecord(props);
  for (const [key, def] of DEFAULTS) {
    if (!Object.hasOwn(payload, key) || payload[key] === undefined) payload[key] = def();
  }
  const featureId = str(feature.id);
  const url = firstStr(props['@id'], feature['@id'], featureId !== null && /^https?:\/\//i.test(featureId) ? featureId : null);
  payload['@id'] = url;
  payload.geometry = feature.geometry === undefined ? null : feature.geometry;
  const status = str(props.status);
  payload.is_test = status !== null && status.toLowerCase() === 'test';
  if (payload.is_test) diagnostics.push(itemDiag('NWS_TEST_MESSAGE', 'info', 'NWS alert has status Test (test traffic)', index));
  const sentAt = addNwsInstants(payload, index, diagnostics);
  const canonical = str(props.id) ?? featureId;
  if (canonical === null) diagnostics.push(itemDiag('ITEM_NO_ID', 'info', 'NWS alert without an id', index));
  const candidate: RawItemCandidate = {
    canonical_id: canonical,
    title: firstStr(props.headline, props.event) ?? 'NWS Alert',
    url,
    published_at: sentAt,
    payload,
  };
  return {candidate, diagnostics};
}

export function nwsAlertsAdapter(value: unknown): AdapterResult {
  const found = nwsFeatures(value);
  if (found === null) {
    throw new FeedError('FEED_NOT_A_FEED', 'JSON is not an NWS alerts document (no GeoJSON features, feature array or @graph)');
  }
  return {format: found.format, items: found.features.map((f, i) => () => buildFeature(f, i)), diagnostics: []};
}
