import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {parseYamlText} from '../../src/kernel/yaml-source.js';

const errorsOf = (text: string) => parseYamlText(text, 'f.yaml').diagnostics.filter((d) => d.severity === 'error');

describe('YAML errors: the first cause, once, at its line', () => {
  it.each([
    ['over-indented key after a scalar', 'a:\n  b: 1\n    c: 2\n', 'YAML_INDENTATION', 3, 5, '"c:" (column 5) is indented more than "b:" on line 2 (column 3)'],
    ['over-indented key after blank lines', 'a:\n  b: 1\n\n\n   c: 2\nd: 3\n', 'YAML_INDENTATION', 5, 4, '"c:" (column 4) is indented more than "b:" on line 2 (column 3)'],
    ['over-indented key after comments', 'a:\n  b: 1\n  # note\n    c: 2\n', 'YAML_INDENTATION', 4, 5, '"c:" (column 5) is indented more than "b:" on line 2 (column 3)'],
    ['under-indented key', 'a:\n  b: 1\n c: 2\nd: 3\n', 'YAML_INDENTATION', 3, 2, '"c:" (column 2) is indented less than "b:" on line 2 (column 3)'],
    ['under-indented key in a list item', 'l:\n  - id: a\n    t: rss\n   u: x\n', 'YAML_INDENTATION', 4, 4, '"u:" (column 4) is indented less than "t:" on line 3 (column 5)'],
    ['key after a block scalar', 'a:\n  - id: x\n    note: >-\n      hello\n     world: 1\n', 'YAML_INDENTATION', 5, 6, '"world:" (column 6) is indented more than "note:" on line 3 (column 5)'],
    ['list item at column 1', 'l:\n  - id: a\n    t: x\n\n- id: b\n  t: y\n', 'YAML_INDENTATION', 5, 1, '"- id: b" (column 1) is indented less than "- id: a" on line 2 (column 3)'],
    ['over-indented list item', 'l:\n  - id: a\n    t: x\n    - id: b\n', 'YAML_INDENTATION', 4, 5, '"- id: b" (column 5) is indented more than "- id: a" on line 2 (column 3)'],
    ['a key among list items', 'l:\n  - id: a\n    t: x\n  id: b\n', 'YAML_INDENTATION', 4, 3, '"id:" (column 3) is a key among the items of the list of "- id: a" on line 2'],
    ['a list item among keys', 'a:\n  b: 1\n  - x\n', 'YAML_INDENTATION', 3, 3, '"- x" (column 3) starts a list item among the keys of the mapping of "b:" on line 2'],
    ['a tab', 'l:\n  - id: a\n\tt: x\n', 'YAML_INDENTATION', 3, 1, 'a tab indents this line'],
    ['": " in a plain value', 'a:\n  when: any f in [x]: f == 1\n', 'YAML_SYNTAX', 2, 9, 'Nested mappings are not allowed in compact mappings'],
    ['a key without a colon', 'a: 1\nb\nc: 2\n', 'YAML_SYNTAX', 2, 1, 'Implicit map keys need to be followed by map values'],
    ['an unclosed bracket at the end', 'a:\n  b: [\n', 'YAML_SYNTAX', 2, 6, 'Flow sequence in block collection must be sufficiently indented and end with a ]'],
  ])('%s', (_name, text, code, line, col, message) => {
    const errs = errorsOf(text);
    expect(errs, JSON.stringify(errs)).toHaveLength(1);
    expect(errs[0]).toMatchObject({code, line, col, message});
  });

  it('indentation hints name the column to use; follow-on errors are counted, not listed', () => {
    const [d] = errorsOf('l:\n  - id: a\n    t: x\n\n- id: b\n  t: y\n\n  - id: c\n');
    expect(d.hint).toMatch(/^items of one list start in the same column: indent this line like line 2 \(column 3\) \(\d+ more YAML error\(s\) after it not shown/);
    expect(d.details).toMatchObject({yaml_code: 'BLOCK_AS_IMPLICIT_KEY'});
  });

  it('every duplicate key is reported (they do not derail the parser)', () => {
    expect(errorsOf('a: 1\na: 2\nb: 1\nb: 3\n').map((d) => [d.code, d.line])).toEqual([
      ['YAML_SYNTAX', 2],
      ['YAML_SYNTAX', 4],
    ]);
  });

  it('property: one structural error at most, never on a blank line, never a throw', () => {
    const line = fc.tuple(fc.constantFrom('', ' ', '  ', '    ', '\t'), fc.constantFrom('- ', '', '- - '), fc.constantFrom('a: 1', 'b:', 'c: x: y', '"q', '[1,', '# c', 'x', ''));
    fc.assert(
      fc.property(fc.array(line, {maxLength: 12}), (parts) => {
        const text = parts.map(([i, d, v]) => `${i}${d}${v}`).join('\n');
        const errs = errorsOf(text);
        const lines = text.split('\n');
        expect(errs.filter((d) => d.code !== 'YAML_SYNTAX' || d.message !== 'Map keys must be unique').length).toBeLessThanOrEqual(1);
        for (const d of errs) if (lines.some((l) => l.trim() !== '')) expect((lines[(d.line ?? 1) - 1] ?? '').trim(), JSON.stringify({text, d})).not.toBe('');
      }),
      {numRuns: 300, seed: 20},
    );
  });
});
