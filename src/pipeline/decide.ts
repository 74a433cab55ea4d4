import {MICROS_PER_HOUR} from '../kernel/time.js';
import {ringFromCapPolygon, ringsFromGeoJson} from '../network/geo/polygon.js';
import type {ClassifyResult, CorrelationResult, ScoreResult, SuppressionVerdict, SuppressRule, TypeResult} from '../rules/model.js';
import type {CompiledRulePack} from '../rules/pack.js';
import type {RuleContext} from '../rules/schema.js';
import type {ResolvedSource} from '../sources/config.js';
import type {RawItemCandidate} from '../model/raw-item.js';
import type {Diagnostic} from '../kernel/diagnostic.js';
import type {CanonicalEvent, UntypedEvent} from './event.js';
import {linkEvent, type LinkResult} from './link.js';
import {normalizeItem} from './normalize.js';
import {applyQuality, detectHighImpactKeywords, highImpactText, type QualityResult} from './quality.js';
import {buildRuleContext, type ContextTables} from './rule-context.js';

/** Everything one item's decision depends on besides the item: built once per run. */
export interface DecisionEnv {
  tables: ContextTables;
  pack: CompiledRulePack;
  sourceRules: ReadonlyMap<string, readonly SuppressRule[]>;
  noSuppress: boolean;
}

/** The stored fields of a raw item a decision reads. */
export interface DecisionItem {
  raw_id: string;
  canonical_id: string | null;
  title: string | null;
  url: string | null;
  published_at: string | null;
  payload_json: string;
  content_hash: string;
}

interface Common {
  event: CanonicalEvent;
  /** The types row that gave `event.type` (explain and the decision record name it). */
  type: TypeResult;
  link: LinkResult;
  /** The rule context the decision was evaluated on (explain re-traces it). */
  ctx: RuleContext;
  diagnostics: Diagnostic[];
}

export type ItemDecision =
  | (Common & {kind: 'suppressed'; verdict: SuppressionVerdict})
  | (Common & {kind: 'alert'; verdict: SuppressionVerdict | null; score: ScoreResult; classify: ClassifyResult; quality: QualityResult; correlation: CorrelationResult});

/** The NWS part of the link input: codes, zones, sender and the alert polygons. */
function nwsLinkInput(event: UntypedEvent) {
  const nws = event.nws!;
  const capPolygons = Array.isArray(event.payload.polygon) ? event.payload.polygon : [];
  const polygons = [
    ...ringsFromGeoJson(event.geometry),
    ...capPolygons.flatMap((p) => {
      const ring = typeof p === 'string' ? ringFromCapPolygon(p) : null;
      return ring ? [ring] : [];
    }),
  ];
  return {area_desc: nws.area_desc, ugc: nws.ugc, same: nws.same, affected_zones: nws.affected_zones, sender_name: nws.sender_name, polygons};
}

export function candidateOf(item: DecisionItem): RawItemCandidate {
  return {
    canonical_id: item.canonical_id,
    title: item.title,
    url: item.url,
    published_at: item.published_at,
    payload: JSON.parse(item.payload_json) as Record<string, unknown>,
  };
}

/**
 * The pack-independent part of a decision: the normalized event (not yet typed: the pack's
 * `types:` table types it), its links and rule context.
 */
export interface PreparedItem {
  event: UntypedEvent;
  link: LinkResult;
  ctx: RuleContext;
  diagnostics: Diagnostic[];
}

/** normalize → link → rule context: what every rule pack evaluates for this item. */
export function prepareItem(item: DecisionItem, source: ResolvedSource, tables: ContextTables): PreparedItem {
  const {config, now, index} = tables;
  const {event, diagnostics} = normalizeItem({
    candidate: candidateOf(item),
    sourceId: source.id,
    sourceType: source.type,
    tier: source.tier,
    rawId: item.raw_id,
    contentHash: item.content_hash,
    sourceConfig: {trust_tier: source.trust_tier, classification_floor: source.classification_floor, weighting_bias: source.weighting_bias, geo: source.geo},
  });
  const link = linkEvent(
    {title: event.title, raw_text: event.raw_text, summary: event.summary, source_type: source.type, nws: event.nws ? nwsLinkInput(event) : undefined, now},
    index,
    {
      maxShipments: config.linking.max_shipments,
      shipmentDaysAhead: config.linking.shipment_days_ahead,
      shipmentDaysBack: config.linking.shipment_days_back,
      shipmentWindow: config.linking.shipment_window,
      ambiguousCityState: config.linking.ambiguous_city_state,
    },
  );
  const ctx = buildRuleContext(event, link, tables, {type: source.type, tags: source.tags});
  return {event, link, ctx, diagnostics};
}

/**
 * One item's decision, without writes: normalize → link → suppress → score → classify →
 * quality → correlation key. Pure in its inputs, so `incidents replay` recomputes exactly
 * what ingest decided.
 */
export function decideItem(item: DecisionItem, source: ResolvedSource, env: DecisionEnv): ItemDecision {
  return decidePrepared(prepareItem(item, source, env.tables), source, env);
}

/**
 * Stages a second pack shares with the pack that made `decision`: the same rules at the same
 * lines of same-named files (`rules diff` decides one prepared item under two packs that mostly
 * agree). A shared stage whose inputs are also equal has the same result, so it is taken, not
 * re-run; its `file` fields name the first pack's files.
 */
export interface SharedStages {
  decision: ItemDecision;
  types: boolean;
  score: boolean;
  classify: boolean;
  quality: boolean;
  correlate: boolean;
}

/**
 * The rule-pack part of decideItem, on a prepared item: `rules diff` prepares an item once and
 * decides it under two packs. The pack types the event first (its `types:` table sees the event
 * without a type; everything after it sees the type); the prepared item is never changed.
 */
export function decidePrepared(prepared: PreparedItem, source: ResolvedSource, env: DecisionEnv, shared?: SharedStages): ItemDecision {
  const {config} = env.tables;
  const {link, diagnostics} = prepared;
  const type = shared?.types ? shared.decision.type : env.pack.eventType(prepared.ctx);
  const event: CanonicalEvent = {...prepared.event, type: type.type};
  const ctx: RuleContext = {...prepared.ctx, event: {...prepared.ctx.event, type: type.type}};
  const verdict = env.noSuppress ? null : env.pack.suppress(ctx, {sourceRules: env.sourceRules.get(source.id) ?? [], pass: 'all'});
  if (verdict?.suppressed && verdict.primary) return {kind: 'suppressed', event, type, link, ctx, diagnostics, verdict};
  // The shared decision saw the same rule context when it gave the same type.
  const prior = shared && shared.decision.kind === 'alert' && shared.decision.type.type === type.type ? shared.decision : null;
  const score = prior && shared!.score ? prior.score : env.pack.score(ctx);
  // Classify reads the score; the quality stage reads the score, its flags and the class.
  const sameScore = prior !== null && score.score === prior.score.score;
  const classify = sameScore && shared!.classify ? prior.classify : env.pack.classify(score.score, ctx);
  const sameQualityInputs = sameScore && classify.classification === prior.classify.classification && score.flags.join('\n') === prior.score.flags.join('\n');
  const quality = sameQualityInputs && shared!.quality ? prior.quality : decideQuality(env, ctx, event, link, score, classify);
  // Without a matching correlate rule an item is an incident of its own: never a silent merge.
  const correlation = (prior && shared!.correlate ? prior.correlation : env.pack.correlate(ctx)) ?? {
    rule_id: 'builtin:event',
    key: `EVENT|${event.event_id}`,
    parts: [event.event_id],
    follow: [],
    window_micros: config.correlation.window_hours * MICROS_PER_HOUR,
    max_candidates: config.correlation.max_candidates,
  };
  return {kind: 'alert', event, type, link, ctx, diagnostics, verdict, score, classify, quality, correlation};
}

/** The pack's quality cap, then the built-in quality checks and the source's floor. */
function decideQuality(env: DecisionEnv, ctx: RuleContext, event: CanonicalEvent, link: LinkResult, score: ScoreResult, classify: ClassifyResult): QualityResult {
  const highImpact = detectHighImpactKeywords(highImpactText(event.title, event.raw_text));
  const packCap = env.pack.quality({
    ...ctx,
    score: score.score,
    classification: classify.classification,
    flags: score.flags,
    quality: {high_impact_keywords: highImpact.keywords},
  });
  return applyQuality(
    {
      facility_confidence: link.link_confidence.facility,
      facility_provenance: link.link_provenance.facility ?? null,
      factors: {
        criticality: score.flags.includes('criticality'),
        lane_volume: score.flags.includes('lane_volume'),
        priority_shipments: score.flags.includes('priority_shipments'),
      },
      high_impact: highImpact,
      base_classification: classify.classification,
      classification_floor: event.classification_floor,
      pack_cap: packCap,
    },
    {allow_quality_override_floor: env.tables.config.alert_quality.allow_quality_override_floor},
  );
}
