import {MICROS_PER_DAY, type EpochMicros} from '../kernel/time.js';
import type {IndexedShipment, NetworkIndex} from '../network/network-index.js';

/** The shipment window of a link (domain.md §4.6): on by default, 7 days back and 30 ahead. */
export interface ShipmentWindowOptions {
  shipmentWindow?: boolean;
  shipmentDaysBack?: number;
  shipmentDaysAhead?: number;
}

const ACTIVE_STATUSES = new Set(['PENDING', 'SCHEDULED', 'IN_TRANSIT']);

/** Active shipments shipping or arriving within [now − daysBack, now + daysAhead]; everything when the window is off. */
function windowPredicate(now: EpochMicros, opts: ShipmentWindowOptions): {key: string; test: (s: IndexedShipment) => boolean} {
  if (!(opts.shipmentWindow ?? true)) return {key: 'off', test: () => true};
  const lo = now - (opts.shipmentDaysBack ?? 7) * MICROS_PER_DAY;
  const hi = now + (opts.shipmentDaysAhead ?? 30) * MICROS_PER_DAY;
  return {
    key: `${lo}|${hi}`,
    test: (s) => {
      if (s.status === 'DELIVERED') return false;
      if (s.ship === null && s.eta === null) return ACTIVE_STATUSES.has(s.status);
      return (s.ship !== null && s.ship >= lo && s.ship <= hi) || (s.eta !== null && s.eta >= lo && s.eta <= hi);
    },
  };
}

/** Link order of shipments: priority desc, ETA asc (missing last), id. A total order: ids are unique. */
export function shipmentOrder(a: IndexedShipment, b: IndexedShipment): number {
  return (
    b.priority - a.priority ||
    (a.eta === null ? (b.eta === null ? 0 : 1) : b.eta === null ? -1 : a.eta - b.eta) ||
    (a.shipment.shipment_id < b.shipment.shipment_id ? -1 : a.shipment.shipment_id > b.shipment.shipment_id ? 1 : 0)
  );
}

/** Windows kept per index: a run uses one; tests and replays with other clocks a few. */
const WINDOWS_PER_INDEX = 4;

/**
 * Each lane's shipments inside one window, in link order, computed once per lane and window.
 * A county alert over a dense network links hundreds of lanes and thousands of shipments, of
 * which only the first `maxShipments` are kept: filtering and sorting per lane once, then
 * merging the lanes' heads per event, replaces a filter and a sort of every matched shipment
 * per event.
 */
export class LaneShipments {
  private static readonly byIndex = new WeakMap<NetworkIndex, Map<string, LaneShipments>>();
  private readonly byLane = new Map<string, readonly IndexedShipment[]>();

  private constructor(
    private readonly index: NetworkIndex,
    private readonly inWindow: (s: IndexedShipment) => boolean,
  ) {}

  /** The lane lists of `index` for the window at `now`. */
  static of(index: NetworkIndex, now: EpochMicros, opts: ShipmentWindowOptions): LaneShipments {
    const {key, test} = windowPredicate(now, opts);
    let windows = LaneShipments.byIndex.get(index);
    if (!windows) LaneShipments.byIndex.set(index, (windows = new Map()));
    let found = windows.get(key);
    if (!found) {
      if (windows.size >= WINDOWS_PER_INDEX) windows.clear();
      windows.set(key, (found = new LaneShipments(index, test)));
    }
    return found;
  }

  /** The lane's shipments inside the window, in link order. */
  onLane(laneId: string): readonly IndexedShipment[] {
    let list = this.byLane.get(laneId);
    if (!list) {
      list = this.index.shipmentsByLane(laneId).filter(this.inWindow).sort(shipmentOrder);
      this.byLane.set(laneId, list);
    }
    return list;
  }
}

/**
 * The first `k` shipments, in link order, of lists each already in link order (a k-way merge
 * over a binary heap of list heads): the same as sorting their concatenation and taking `k`.
 */
export function firstShipments(lists: readonly (readonly IndexedShipment[])[], k: number): IndexedShipment[] {
  const heads = lists.flatMap((list, i): [number, number][] => (list.length > 0 ? [[i, 0]] : []));
  if (k <= 0 || heads.length === 0) return [];
  if (heads.length === 1) return lists[heads[0][0]].slice(0, k);
  // heap[i] = [list index, position in it]; ordered by the shipment at that position.
  const heap = heads;
  const at = (h: [number, number]) => lists[h[0]][h[1]];
  const less = (i: number, j: number) => shipmentOrder(at(heap[i]), at(heap[j])) < 0;
  const down = (start: number) => {
    for (let i = start; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && less(l, m)) m = l;
      if (r < heap.length && less(r, m)) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m], heap[i]];
      i = m;
    }
  };
  for (let i = (heap.length >> 1) - 1; i >= 0; i--) down(i);
  const out: IndexedShipment[] = [];
  while (out.length < k && heap.length > 0) {
    const top = heap[0];
    out.push(at(top));
    if (top[1] + 1 < lists[top[0]].length) top[1]++;
    else {
      const last = heap.pop()!;
      if (heap.length === 0) break;
      heap[0] = last;
    }
    down(0);
  }
  return out;
}
