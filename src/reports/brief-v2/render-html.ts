/**
 * The self-contained HTML brief (`brief.html`, §8.2): one file with one inline style, no
 * script and no reference outside itself (source URLs are shown as text). A card per listed
 * alert, an inline SVG map of the affected facilities and the source-health table. Every
 * stored text is HTML-escaped.
 */
import {escapeUTF8} from 'entities/escape';
import {
  type Block,
  classSpan,
  entryDetails,
  headerBlocks,
  type Inline,
  incidentBlocks,
  type ListItem,
  quietDay,
  stateTone,
  summaryBlocks,
  suppressedBlocks,
} from './document.js';
import {MAP_HEIGHT, MAP_WIDTH, projectFacilities} from './facility-map.js';
import {type BriefAlertV2, type BriefModelV2, byText, distinctAlerts} from './model.js';

const esc = (s: string) => escapeUTF8(s);

const STYLE = `
:root{--ink:#1d2330;--muted:#5b6475;--line:#d8dde6;--bg:#f6f7f9;--red:#b3261e;--amber:#8a5a00;--green:#1e6b34;--card:#fff}
*{box-sizing:border-box}
body{margin:0;padding:24px;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
main{max-width:1100px;margin:0 auto}
h1{font-size:24px;margin:0 0 12px}
h2{font-size:19px;margin:28px 0 10px;border-bottom:1px solid var(--line);padding-bottom:4px}
h3{font-size:16px;margin:0 0 6px}
table{border-collapse:collapse;width:100%;background:var(--card);font-size:14px}
th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
li{overflow-wrap:anywhere}
th{background:#eef1f5}
.banner{background:#fdecea;border:1px solid var(--red);color:var(--red);padding:8px 12px;border-radius:6px;margin:12px 0}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(330px,1fr));gap:14px}
.alert-card{background:var(--card);border:1px solid var(--line);border-left:6px solid var(--muted);border-radius:8px;padding:12px 14px;min-width:0;overflow-wrap:anywhere}
.alert-card.class-2{border-left-color:var(--red)}
.alert-card.class-1{border-left-color:#d08b00}
.alert-card ul{margin:6px 0 0;padding-left:18px;font-size:13px;color:#333a47}
.badge{display:inline-block;font-size:12px;font-weight:600;padding:1px 8px;border-radius:10px;background:#eef1f5;margin-right:6px}
.tone-class2,.tone-blocked{color:var(--red)}
.tone-class1,.tone-watch{color:var(--amber)}
.tone-healthy{color:var(--green)}
.tone-class0,.tone-pending{color:var(--muted)}
.map{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:8px}
.map svg{width:100%;height:auto;display:block}
.map .frame{fill:#eef3f8;stroke:var(--line)}
.map circle.facility{fill:var(--red);fill-opacity:.85;stroke:#fff;stroke-width:2}
.map text{font-size:13px;fill:var(--ink)}
.muted{color:var(--muted)}
code,.hash{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12.5px;word-break:break-all}
`;

function inline(spans: Inline): string {
  return spans
    .map((s) => {
      let t = esc(s.text);
      if (s.tone) t = `<span class="tone-${s.tone}">${t}</span>`;
      return s.strong ? `<strong>${t}</strong>` : t;
    })
    .join('');
}

function listHtml(items: readonly ListItem[]): string {
  return `<ul>${items.map((it) => `<li>${inline(it.text)}${it.children?.length ? listHtml(it.children) : ''}</li>`).join('')}</ul>`;
}

function blockHtml(b: Block): string {
  switch (b.kind) {
    case 'h1':
      return `<h1>${inline(b.text)}</h1>`;
    case 'h2':
      return `<h2>${inline(b.text)}</h2>`;
    case 'h3':
      return `<h3>${inline(b.text)}</h3>`;
    case 'p':
      return `<p>${inline(b.text)}</p>`;
    case 'banner':
      return `<p class="banner">${inline(b.text)}</p>`;
    case 'list':
      return listHtml(b.items);
    case 'table':
      return `<table><thead><tr>${b.header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${b.rows
        .map((r) => `<tr>${r.map((c) => `<td>${inline(c)}</td>`).join('')}</tr>`)
        .join('')}</tbody></table>`;
  }
}

function card(e: BriefAlertV2, places: Map<string, BriefModelV2['facilities'][number]>): string {
  const cls = classSpan(e.classification);
  return [
    `<article class="alert-card class-${e.classification}" data-alert-id="${esc(e.alert_id)}">`,
    `<h3><span class="badge tone-${cls.tone}">${esc(cls.text)}</span>${esc(e.summary)}</h3>`,
    `<p class="muted">impact ${e.impact_score === null ? '—' : e.impact_score} · source tier: ${esc(e.tier ?? 'unknown')}${e.trust_tier === null ? '' : ` · trust tier ${e.trust_tier}`}</p>`,
    listHtml(entryDetails(e, places)),
    '</article>',
  ].join('');
}

function mapHtml(m: BriefModelV2, alerts: readonly BriefAlertV2[]): string {
  const ids = [...new Set(alerts.flatMap((e) => e.facilities))].sort(byText);
  const map = projectFacilities(ids, m.facilities);
  const circles = map.points
    .map(
      (p) =>
        `<circle class="facility" data-facility-id="${esc(p.facility.facility_id)}" cx="${p.x}" cy="${p.y}" r="8"><title>${esc(
          `${p.facility.facility_id} — ${p.facility.name}`,
        )}</title></circle><text x="${p.x + 11}" y="${p.y + 4}">${esc(p.facility.facility_id)}</text>`,
    )
    .join('');
  const unplaced = map.unplaced.length
    ? `<p class="muted">Affected facilities without coordinates:</p><ul class="unplaced">${map.unplaced.map((id) => `<li>${esc(id)}</li>`).join('')}</ul>`
    : '';
  return [
    '<section class="map"><h2>Affected facilities</h2>',
    `<svg viewBox="0 0 ${MAP_WIDTH} ${MAP_HEIGHT}" role="img" aria-label="Map of affected facilities">`,
    `<rect class="frame" x="0" y="0" width="${MAP_WIDTH}" height="${MAP_HEIGHT}"></rect>`,
    map.points.length ? circles : `<text x="20" y="40">No affected facility has coordinates.</text>`,
    '</svg>',
    unplaced,
    '</section>',
  ].join('');
}

function healthHtml(m: BriefModelV2): string {
  const cell = (s: string) => `<td>${esc(s)}</td>`;
  const state = (s: string) => `<td><span class="tone-${stateTone(s) ?? 'class0'}">${esc(s)}</span></td>`;
  const rows = m.source_health
    .map(
      (h) =>
        `<tr data-source-id="${esc(h.source_id)}">${cell(h.source_id)}${cell(h.tier ?? 'unknown')}${state(h.state)}${state(h.display_state)}${cell(String(h.score))}${cell(
          h.suppression_pct === null ? '—' : `${h.suppression_pct}`,
        )}${cell(h.last_success_utc ?? 'never')}${cell(h.stale_hours === null ? '—' : String(h.stale_hours))}</tr>`,
    )
    .join('');
  return [
    '<h2>Source Health</h2>',
    '<table class="source-health"><thead><tr><th>Source</th><th>Source tier</th><th>State</th><th>Shown as</th><th>Score</th><th>Suppressed %</th><th>Last success</th><th>Stale hours</th></tr></thead>',
    `<tbody>${rows}</tbody></table>`,
    m.source_health.length ? '' : '<p class="muted">No enabled source is configured.</p>',
  ].join('');
}

/** The HTML page, one final newline. */
export function renderBriefHtml(m: BriefModelV2): string {
  const alerts = distinctAlerts(m);
  const places = new Map(m.facilities.map((f) => [f.facility_id, f]));
  const quiet = m.summary.counts.new + m.summary.counts.updated === 0;
  const body = [
    ...headerBlocks(m).map(blockHtml),
    ...summaryBlocks(m).map(blockHtml),
    ...(quiet ? quietDay(m).map(blockHtml) : []),
    alerts.length ? `<h2>Alerts</h2><div class="cards">${alerts.map((e) => card(e, places)).join('')}</div>` : '',
    alerts.length ? mapHtml(m, alerts) : '',
    ...incidentBlocks(m).map(blockHtml),
    ...suppressedBlocks(m).map(blockHtml),
    healthHtml(m),
  ].join('\n');
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(`Hardstop brief ${m.header.brief_id}`)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body><main>',
    body,
    '</main></body>',
    '</html>',
    '',
  ].join('\n');
}
