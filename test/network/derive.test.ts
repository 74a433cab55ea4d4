import {describe, expect, it} from 'vitest';
import {deriveFacilityGeo, deriveNetworkGeo} from '../../src/network/derive.js';
import {fac} from '../pipeline/link-fixtures.js';

describe('deriveFacilityGeo', () => {
  it('state from code or full name in any case; normalized city key', () => {
    const a = deriveFacilityGeo(fac('A', 'A', 'PLANT', 'Avon', 'indiana')).geo;
    const b = deriveFacilityGeo(fac('B', 'B', 'PLANT', 'avon', 'in')).geo;
    expect([a.state_code, a.city_key]).toEqual(['IN', 'avon']);
    expect([b.state_code, b.city_key]).toEqual(['IN', 'avon']);
    expect(deriveFacilityGeo(fac('C', 'C', 'DC', 'St. Louis', 'MO')).geo.city_key).toBe('saint louis');
  });

  it('county from CSV coordinates (bbox, confirmed by the city table)', () => {
    const g = deriveFacilityGeo(fac('A', 'A', 'PLANT', 'Audubon', 'IA', {lat: 41.718, lon: -94.9325})).geo;
    expect(g).toMatchObject({county_fips: ['019009'], county_source: 'coordinates', coord_source: 'csv', county_ambiguous: false});
    expect(g.nws_zones.length).toBeGreaterThan(0);
  });

  it('county from the city table without coordinates; point from the city tables', () => {
    const g = deriveFacilityGeo(fac('A', 'A', 'PLANT', 'Mcminnville', 'OR')).geo;
    expect(g).toMatchObject({county_fips: ['041071'], county_source: 'city_table', coord_source: 'city_table'});
    expect(g.nws_zones).toContain('OR004');
    expect(g.lat).not.toBeNull();
  });

  it('a city spanning counties keeps all of them, flagged ambiguous (NWS-9)', () => {
    const {geo, problems} = deriveFacilityGeo(fac('H', 'H', 'PORT', 'Houston', 'TX'));
    expect(geo).toMatchObject({county_fips: ['048157', '048201'], county_ambiguous: true, county_source: 'city_table'});
    expect(problems).toContain('COUNTY_AMBIGUOUS');
  });

  it('a city missing from kelvins still gets a point from the top-1000 table (no county)', () => {
    const g = deriveFacilityGeo(fac('S', 'S', 'PLANT', 'Coral Springs', 'FL')).geo;
    expect(g.coord_source).toBe('city_table');
    expect(g.county_fips).toEqual([]);
  });
});

describe('deriveNetworkGeo summary', () => {
  it('counts failures per kind with readable messages', () => {
    const {summary} = deriveNetworkGeo([
      fac('A', 'A', 'PLANT', 'Avon', 'IN'),
      fac('B', 'B', 'PLANT', 'Nowhereville', 'IN'),
      fac('C', 'C', 'PLANT', 'Nowhereville', 'OH'),
      fac('D', 'D', 'PLANT', 'Avon', 'Atlantis'),
      fac('E', 'E', 'PLANT', 'Coral Springs', 'Florida'),
    ]);
    expect(summary.facilities).toBe(5);
    expect(summary.with_state).toBe(4);
    expect(summary.with_county).toBe(1);
    const byCode = Object.fromEntries(summary.problems.map((p) => [p.code, p]));
    expect(byCode.CITY_NOT_IN_TABLE.message).toBe('4 facilities have no county: city not in the reference table');
    expect(byCode.CITY_NOT_IN_TABLE.facility_ids).toEqual(['B', 'C', 'D', 'E']);
    expect(byCode.STATE_UNKNOWN.facility_ids).toEqual(['D']);
    expect(summary.problems.map((p) => p.code)).toEqual([...summary.problems.map((p) => p.code)].sort());
  });
});
