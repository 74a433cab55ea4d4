import {describe, expect, it} from 'vitest';
import {collapseWhitespace, htmlToText} from '../../../src/sources/html-text.js';

describe('htmlToText', () => {
  const cases: Array<[string, string, string]> = [
    ['plain text', 'hello world', 'hello world'],
    ['inline tags vanish', 'a<b>bold</b>c <a href="x">link</a>', 'aboldc link'],
    ['block tags separate words', '<p>one</p><p>two</p>three<br>four<br/>five<li>six</li>', 'one two three four five six'],
    ['script, style, template dropped with content', 'a<script type="x">var s = "<p>";</script>b<style>p{}</style>c<template><p>t</p></template>d', 'a b c d'],
    ['comments dropped', 'a<!-- hidden <p> -->b', 'ab'],
    ['CDATA kept as text', 'a<![CDATA[<raw>]]>b', 'a<raw>b'],
    ['entities decode after tag removal', '&lt;p&gt; is literal &amp; caf&eacute; &#233; &#x41;', '<p> is literal & café é A'],
    ['nbsp and all whitespace collapse', 'a&nbsp;&nbsp;b \n\t c\u00a0d', 'a b c d'],
    ['named entity without semicolon is kept', 'AT&T &copy 2024 ?a=1&region=us', 'AT&T &copy 2024 ?a=1&region=us'],
    ['stray < is text', 'x < y and 3<4', 'x < y and 3<4'],
    ['unclosed tag-like text is kept', 'a <b', 'a <b'],
    ['quoted > inside attributes', '<img alt="a > b" src=x>after', 'after'],
    ['doctype and processing instructions dropped', '<!DOCTYPE html><?xml version="1.0"?>text', 'text'],
    ['uppercase tags', '<P>Up</P><SCRIPT>x</SCRIPT><BR>down', 'Up down'],
    ['empty', '', ''],
    ['only markup', '<div><span></span></div>', ''],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    expect(htmlToText(input)).toBe(expected);
  });

  it('is deterministic and idempotent on its output', () => {
    const html = '<div><h1>Port&nbsp;closure</h1><p>Rotterdam &amp; Antwerp</p></div>';
    const once = htmlToText(html);
    expect(once).toBe('Port closure Rotterdam & Antwerp');
    expect(htmlToText(html)).toBe(once);
  });

  it('collapseWhitespace', () => {
    expect(collapseWhitespace('  a \r\n b\t\tc  ')).toBe('a b c');
    expect(collapseWhitespace('already one line')).toBe('already one line');
    expect(collapseWhitespace('')).toBe('');
  });

  it('collapseWhitespace treats exactly the code units of the regex class \\s as white space', () => {
    const byRegex = (t: string) => t.replace(/\s+/g, ' ').trim();
    for (let c = 0; c <= 0xffff; c++) {
      const ch = String.fromCharCode(c);
      for (const t of [`a${ch}b`, `${ch}a`, `a${ch}`, `a ${ch}b`]) {
        if (collapseWhitespace(t) !== byRegex(t)) expect(collapseWhitespace(t), `U+${c.toString(16)} in ${JSON.stringify(t)}`).toBe(byRegex(t));
      }
    }
  });
});
