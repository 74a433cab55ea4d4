import type {RuntimeConfig} from '../config/runtime.js';
import {instantOf, type EpochMicros} from '../kernel/time.js';
import {type IndexedShipment, NetworkIndex} from '../network/network-index.js';
import type {NetworkSnapshot} from '../model/network.js';
import type {RuleContext} from '../rules/schema.js';
import type {CanonicalEvent, UntypedEvent} from './event.js';
import type {LinkResult} from './link.js';

/** Per-run lookups the context builder needs: the NetworkIndex, the config and the run clock. */
export interface ContextTables {
  index: NetworkIndex;
  config: RuntimeConfig;
  now: EpochMicros;
}

/** The tables of one run: the network indexed once, the config and the run clock. */
export function contextTablesOf(network: NetworkSnapshot, config: RuntimeConfig, now: EpochMicros): ContextTables {
  return {index: NetworkIndex.build(network), config, now};
}

function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

/**
 * The rule context of one item: the event, its source, and the network entities it linked
 * to (each list sorted by id, as the pack expects).
 */
export function buildRuleContext(event: CanonicalEvent | UntypedEvent, link: LinkResult | null, tables: ContextTables, source: {type: string; tags: readonly string[]}): RuleContext {
  const facilities = (link?.facilities ?? [])
    .map((id) => tables.index.facility(id))
    .filter((f): f is NonNullable<typeof f> => f !== undefined)
    .map((f) => ({id: f.facility_id, name: f.name, type: f.type, city: f.city, state: f.state_code ?? f.state, criticality: f.criticality_score}));
  const lanes = (link?.lanes ?? [])
    .map((id) => tables.index.lane(id))
    .filter((l): l is NonNullable<typeof l> => l !== undefined)
    .map((l) => ({id: l.lane_id, origin: l.origin_facility_id, dest: l.dest_facility_id, mode: l.mode, volume: l.volume_score}));
  const shipments = [...(link?.shipments ?? [])]
    .sort()
    .map((id) => tables.index.shipment(id))
    .filter((s): s is IndexedShipment => s !== undefined)
    .map(({shipment: s, etaAt}) => ({id: s.shipment_id, lane_id: s.lane_id, status: s.status, priority: s.priority_flag, eta: etaAt, qty: s.qty}));
  const states = sortedUnique((link?.mentions ?? []).flatMap((m) => (m.state_code && m.kind !== 'excluded' ? [m.state_code] : [])));
  const counties = sortedUnique((link?.mentions ?? []).flatMap((m) => m.counties ?? []));
  const conf = link?.link_confidence ?? {};
  const nws = event.nws;
  const aq = tables.config.alert_quality;
  return {
    now: tables.now,
    event: {
      id: event.event_id,
      title: event.title,
      summary: event.summary,
      raw_text: event.raw_text,
      url: event.url,
      type: event.type,
      type_ref: event.type_ref,
      time: instantOf(event.event_time) ?? tables.now,
      canonical_id: event.canonical_id,
      location_hint: event.location_hint,
      published_at: instantOf(event.published_at),
      expires_at: instantOf(event.expires_at),
      states,
      counties,
      nws: nws
        ? {
            status: nws.status,
            message_type: nws.message_type,
            event: nws.event,
            severity: nws.severity,
            certainty: nws.certainty,
            urgency: nws.urgency,
            sender_name: nws.sender_name,
            ugc: nws.ugc,
            same: nws.same,
            area_desc: nws.area_desc,
            vtec: nws.vtec,
            references: nws.references,
          }
        : null,
    },
    source: {
      id: event.source_id,
      type: source.type,
      tier: event.tier,
      trust_tier: event.trust_tier,
      classification_floor: event.classification_floor,
      weighting_bias: event.weighting_bias,
      tags: [...source.tags],
    },
    facilities,
    lanes,
    shipments,
    link: {
      facility_confidence: conf.facility ?? null,
      lane_confidence: conf.lanes ?? null,
      shipment_confidence: conf.shipments ?? null,
      provenance: link?.link_provenance.facility ?? null,
      ambiguous: link ? link.link_provenance.facility === 'CITY_STATE_AMBIGUOUS' : null,
      shipments_total: link?.shipments_total_linked ?? null,
    },
    config: {
      min_confidence_class_1: aq.min_confidence_class_1,
      min_confidence_class_2: aq.min_confidence_class_2,
      min_confidence_ambiguous: aq.min_confidence_ambiguous,
      allow_quality_override_floor: aq.allow_quality_override_floor,
    },
  };
}
