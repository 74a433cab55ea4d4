import {describe, expect, it} from 'vitest';
import {NetworkIndex} from '../../src/network/network-index.js';
import {linkEvent, type LinkInput} from '../../src/pipeline/link.js';
import {extractTextMentions, readStateAt} from '../../src/pipeline/mentions.js';
import {fac, NOW_2024} from './link-fixtures.js';

const index = NetworkIndex.build({
  facilities: [
    fac('PLANT-00001', 'Northwind Duluth Foundry', 'PLANT', 'Duluth', 'MN'),
    fac('DC-00002', 'Bellcrest Fort Worth Logistics Hub', 'DC', 'Fort Worth', 'Texas'),
    fac('WH-00003', 'Fenwright Colorado Springs Parts Depot', 'WAREHOUSE', 'Colorado Springs', 'CO'),
    fac('PLANT-00004', 'Larchfield Vista Bottling Plant', 'PLANT', 'Vista', 'CA'),
    fac('DC-00005', 'Cindervale Toledo Cross-Dock', 'DC', 'Toledo', 'OH'),
    fac('PLANT-00006', 'Redfern Springfield Assembly Plant', 'PLANT', 'Springfield', 'IL'),
    fac('PLANT-00007', 'Ironvale Springfield Foundry', 'PLANT', 'Springfield', 'MO'),
    fac('PORT-00008', 'Oakhaven Portland Marine Terminal', 'PORT', 'Portland', 'ME'),
    fac('DC-00009', 'Thornbury Portland Fulfillment Center', 'DC', 'Portland', 'OR'),
    fac('WH-00010', 'Umberfield Lehigh Acres Cold Storage', 'WAREHOUSE', 'Lehigh Acres', 'FL'),
    fac('PLANT-00011', 'Valecrest Memphis Packaging Plant', 'PLANT', 'Memphis', 'Tennessee'),
    fac('DC-00012', 'Zephyrline Saint Louis Distribution Center', 'DC', 'Saint Louis', 'MO'),
    fac('WH-00013', 'Ashcombe Concord Warehouse', 'WAREHOUSE', 'Concord', 'NH'),
    fac('DC-00014', 'Birchmont Winston-Salem Fulfillment Center', 'DC', 'Winston-Salem', 'NC'),
    fac('PLANT-00015', 'Amberlock Arlington Plant', 'PLANT', 'Arlington', 'Colorado'),
    fac('DC-00016', 'Everpine Kansas City Logistics Hub', 'DC', 'Kansas City', 'KS'),
    fac('DC-00017', 'Driftmoor Kansas City Cross-Dock', 'DC', 'Kansas City', 'MO'),
  ],
  lanes: [],
  shipments: [],
});

const rss = (title: string, body = ''): LinkInput => ({title, raw_text: body ? `${title}\n${body}` : title, source_type: 'rss', now: NOW_2024});
const link = (title: string, body = ''): string[] => linkEvent(rss(title, body), index).facilities;

describe('City, ST mentions (benchmark kinds and traps)', () => {
  it.each([
    ['city_state_abbr', 'Dock fire in Duluth, MN', ['PLANT-00001']],
    ['city_state_name', 'Workers walk off the job in Duluth, Minnesota', ['PLANT-00001']],
    ['multiword abbr', 'Bridge closure near Colorado Springs, CO on Monday', ['WH-00003']],
    ['multiword name', 'Rail yard closed in Fort Worth, Texas', ['DC-00002']],
    ['multiword AP', 'Tanker leak outside Colorado Springs, Colo. today', ['WH-00003']],
    ['AP Fla.', 'Storage tank release reported in Lehigh Acres, Fla.', ['WH-00010']],
    ['AP N.H.', 'Strike at a plant in Concord, N.H., continues', ['WH-00013']],
    ['AP Mo.', 'Fire near Springfield, Mo., halts production', ['PLANT-00007']],
    ['St. / Saint', 'Cyberattack hits shipper in St. Louis, MO', ['DC-00012']],
    ['hyphenated city', 'Ransomware attack in Winston-Salem, NC', ['DC-00014']],
    ['lower-case city, state name in upper case', 'FIRE IN DULUTH, MINNESOTA', ['PLANT-00001']],
    ['state name then capitalised word', 'Memphis, Tennessee Firm Recalls Smoked Sausage', ['PLANT-00011']],
    ['state name then capitalised word 2', 'A blaze in Arlington, Colorado Friday morning', ['PLANT-00015']],
    ['ambiguous name with state links that state only', 'Flooding in Portland, ME and nowhere else', ['PORT-00008']],
    ['Kansas City, KS vs MO', 'Explosion and fire halt production outside Kansas City, KS', ['DC-00016']],
    ['two places in one text: all of them', 'Closures in Duluth, MN and Toledo, OH', ['DC-00005', 'PLANT-00001']],
  ])('%s', (_kind, text, expected) => {
    expect(link(text)).toEqual(expected);
  });

  it.each([
    ['Tristar Freight, Inc.', 'Tristar Freight, Inc., which operates nearby, said a strike began in Duluth, MN.', ['PLANT-00001']],
    ['On Friday, in', 'On Friday, in a notice to customers, the operator confirmed a fire in Toledo, OH.', ['DC-00005']],
    ['by Monday, or', 'Repairs could finish by Monday, or sooner. Crews are in Fort Worth, Texas.', ['DC-00002']],
    ['Golden Farms, Inc. Recalls', 'Golden Farms, Inc. Recalls Soft Cheese Made in Memphis, Tenn.', ['PLANT-00011']],
  ])('first-match blocker %s does not hide the place', (_b, text, expected) => {
    expect(link('Update', text)).toEqual(expected);
  });

  it.each([
    ['bare ambiguous city', 'Springfield plant idled after fire'],
    ['state alone', 'Ohio lawmakers debate freight rules'],
    ['foreign namesake', 'Port strike in Toledo, Spain delays cargo'],
    ['foreign place', 'Flooding in Vancouver, British Columbia'],
    ['city without facilities', 'Warehouse fire in Dayton, OH'],
    ['multi-word city whose last word is a facility city', 'Dock strike in Chula Vista, CA'],
    ['lower-case two letters are not states', 'It happened in Duluth, mn yesterday'],
    ['no comma', 'Fire in Duluth MN'],
    ['an unknown place made of a prefix word and a facility city', 'Flooding in South Duluth, MN'],
    ['city inside NWS-like prose without state', 'A storm was located near Carroll, moving east'],
  ])('%s links nothing', (_kind, text) => {
    expect(link(text)).toEqual([]);
  });

  it('both Springfields are linked only with their states', () => {
    expect(link('Fire in Springfield, IL; strike in Springfield, Missouri')).toEqual(['PLANT-00006', 'PLANT-00007']);
  });

  it('records state-only mentions without linking', () => {
    const m = extractTextMentions([{field: 'title', text: 'Ohio lawmakers and Fla. officials meet in Duluth, MN'}], index);
    expect(m.map((x) => [x.kind, x.text, x.state_code])).toEqual([
      ['state', 'Ohio', 'OH'],
      ['state', 'Fla.', 'FL'],
      ['city_state', 'Duluth, MN', 'MN'],
    ]);
  });

  it('mentions carry spans, city keys and state forms', () => {
    const text = 'Fire at DC-00002 and at Northwind Duluth Foundry near Colorado Springs, Colo.';
    const m = extractTextMentions([{field: 'raw_text', text}], index);
    expect(m.map((x) => ({kind: x.kind, text: text.slice(x.start, x.end), ids: x.facility_ids}))).toEqual([
      {kind: 'facility_id', text: 'DC-00002', ids: ['DC-00002']},
      {kind: 'facility_name', text: 'Northwind Duluth Foundry', ids: ['PLANT-00001']},
      {kind: 'city_state', text: 'Colorado Springs, Colo.', ids: ['WH-00003']},
    ]);
    const place = m[2];
    expect([place.city, place.city_key, place.state_code, place.state_form]).toEqual(['Colorado Springs', 'colorado springs', 'CO', 'ap']);
  });

  it('facility names match case-insensitively on word boundaries only', () => {
    expect(link('Outage at NORTHWIND DULUTH FOUNDRY')).toEqual(['PLANT-00001']);
    expect(link('Outage at Northwind Duluth Foundrymen hall')).toEqual([]);
    expect(link('Outage at Northwind Duluth-Foundry')).toEqual(['PLANT-00001']);
  });
});

describe('readStateAt', () => {
  it.each([
    ['West Virginia today', 'WV', 'name', 13],
    ['Virginia', 'VA', 'name', 8],
    ['W.Va., later', 'WV', 'ap', 5],
    ['N.H.', 'NH', 'ap', 4],
    ['DC', 'DC', 'code', 2],
    ['D.C.', 'DC', 'ap', 4],
    ['new york', 'NY', 'name', 8],
  ])('%s', (text, code, form, end) => {
    expect(readStateAt(text, 0)).toEqual({code, form, end});
  });

  it.each(['in', 'Inc.', 'INDY', 'Indianapolis', 'Spain', 'ON'])('%s is not a state', (text) => {
    expect(readStateAt(text, 0)).toBeNull();
  });
});
