import {describe, expect, it} from 'vitest';
import {readFileSync} from 'node:fs';
import {createHash} from 'node:crypto';
import {cityKey, countyKey} from '../../src/network/geo/keys.js';
import {normalizeStateCode, stateByCode, allStates} from '../../src/network/geo/states.js';
import {loadGazetteer} from '../../src/network/geo/gazetteer.js';
import {referenceDataDir, referenceTableHashes, REFERENCE_TABLES} from '../../src/network/geo/reference.js';

describe('normalizeStateCode', () => {
  it.each([
    ['IN', 'IN'], ['in', 'IN'], [' Indiana ', 'IN'], ['indiana', 'IN'], ['INDIANA', 'IN'],
    ['Fla.', 'FL'], ['fla', 'FL'], ['N.H.', 'NH'], ['Ind.', 'IN'], ['Colo.', 'CO'], ['Ore.', 'OR'],
    ['W. Va.', 'WV'], ['West Virginia', 'WV'], ['District of Columbia', 'DC'], ['DC', 'DC'], ['D.C.', 'DC'],
    ['PR', 'PR'], ['Guam', 'GU'], ['18', 'IN'], ['New  York', 'NY'],
  ])('%s → %s', (text, code) => {
    expect(normalizeStateCode(text)).toBe(code);
  });

  it.each([null, undefined, '', '  ', 'XX', 'Indy', 'Ontario', 'British Columbia', '99'])('%s → null', (text) => {
    expect(normalizeStateCode(text as string | null)).toBeNull();
  });

  it('covers the 50 states, DC and territories', () => {
    expect(allStates().length).toBe(60);
    expect(stateByCode('DC')?.name).toBe('District of Columbia');
  });
});

describe('keys', () => {
  it.each([
    ['St. Louis', 'saint louis'], ['Saint Louis', 'saint louis'], ['ST LOUIS', 'saint louis'],
    ['Ft. Worth', 'fort worth'], ['Mt. Vernon', 'mount vernon'], ['Winston-Salem', 'winston salem'],
    ["O'Fallon", 'ofallon'], ['  Salt   Lake City ', 'salt lake city'], ['Cañon City', 'canon city'],
    ['McAllen', 'mcallen'], ['Port St. Lucie', 'port saint lucie'],
  ])('cityKey(%s) = %s', (text, key) => {
    expect(cityKey(text)).toBe(key);
  });

  it.each([
    ['DeKalb County', 'dekalb'], ['Dekalb', 'dekalb'], ['St. Louis County', 'saintlouis'], ['Orleans Parish', 'orleans'],
    ['Richmond city', 'richmondcity'], ['Bethel Census Area', 'bethel'], ['Juneau City and Borough', 'juneau'],
  ])('countyKey(%s) = %s', (text, key) => {
    expect(countyKey(text)).toBe(key);
  });
});

describe('reference tables', () => {
  it('load with the expected row counts and lookups', () => {
    const g = loadGazetteer();
    expect(g.countyByFips.size).toBe(3298);
    expect(g.zoneByCode.size).toBe(3598); // 3,685 rows, multi-part zones merged
    expect(g.countyByFips.get('006031')?.name).toBe('Kings County');
    expect(g.countyByUgc.get('AR027')?.fips).toBe('005027');
    expect(g.countyByStateKey.get(`GA|${countyKey('Dekalb')}`)?.name).toBe('DeKalb County');
    expect(g.zoneByCode.get('OR004')?.fips).toContain('041071');
    expect(g.cityRows.get('TX|houston')?.map((r) => r[2])).toEqual(['Fort Bend', 'Harris']);
    expect(g.isKnownCity('UT|salt lake city')).toBe(true);
    expect(g.isKnownCity('CA|chula vista')).toBe(true);
    expect(g.isKnownCity('IN|west lafayette')).toBe(true);
    expect(g.isKnownCity('FL|coral springs')).toBe(true); // top-1000 only
    expect(g.isKnownCity('IN|nowhereville')).toBe(false);
    expect(loadGazetteer()).toBe(g);
  });

  it('zone → county uses the zone name, then the centroid', () => {
    const g = loadGazetteer();
    expect(g.zoneByCode.get('AL019')?.counties).toEqual(['001015']); // zone "Calhoun" → Calhoun County, AL
    expect(g.zoneByCode.get('FL008')?.counties).toEqual(['012131', '012133']); // two parts
    for (const z of g.zoneByCode.values()) for (const c of z.counties) expect(g.countyByFips.get(c)?.state).toBe(z.state);
  });

  it('referenceTableHashes gives the SHA-256 of each bundled file', () => {
    const hashes = referenceTableHashes();
    expect(Object.keys(hashes)).toEqual([...REFERENCE_TABLES]);
    for (const name of REFERENCE_TABLES) {
      const bytes = readFileSync(`${referenceDataDir()}${name}.json`);
      expect(hashes[name]).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
  });
});
