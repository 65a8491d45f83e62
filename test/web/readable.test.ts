import {describe, expect, it} from 'vitest';
import {decodeEntities, pageText, readableHtml} from '../../src/web/readable.js';

const base = 'https://news.test/today/';

describe('readableHtml', () => {
	it.each([
		['the title, apart from the text', '<html><head><title> Today &amp; Tomorrow </title></head><body><p>Hi</p></body></html>', 'Hi', 'Today & Tomorrow'],
		['headings with their level', '<h1>Big</h1><h3>Small</h3><p>Text</p>', '# Big\n\n### Small\n\nText', undefined],
		['paragraphs apart, inline markup gone', '<p>One <b>bold</b> <i>word</i>.</p><p>Two</p>', 'One bold word.\n\nTwo', undefined],
		['list items as dashes', '<ul><li>eggs</li><li>milk <em>(fresh)</em></li></ul>', '- eggs\n- milk (fresh)', undefined],
		['links as [text](absolute url)', '<p>See <a href="../more?a=1&amp;b=2">the rest</a>.</p>', 'See [the rest](https://news.test/more?a=1&b=2).', undefined],
		['a link without an http(s) target keeps its text', '<a href="javascript:alert(1)">click</a> <a href="mailto:x@y">mail</a>', 'click mail', undefined],
		['scripts, styles and their content dropped', '<p>a</p><script>var x = "<p>no</p>";</script><style>p{color:red}</style><p>b</p>', 'a\n\nb', undefined],
		['a script that never closes drops the rest', '<p>kept</p><script>document.write("x")', 'kept', undefined],
		['comments and doctype dropped', '<!doctype html><!-- <p>hidden</p> --><p>shown</p>', 'shown', undefined],
		['navigation, forms buttons and aria-hidden dropped', '<nav><a href="/">Home</a></nav><button>Buy</button><div aria-hidden="true">icon</div><p>Story</p>', 'Story', undefined],
		['table cells separated', '<table><tr><th>Line</th><th>Time</th></tr><tr><td>S1</td><td>08:15</td></tr></table>', '| Line | Time\n| S1 | 08:15', undefined],
		['whitespace collapsed, breaks kept', '<p>  lots   of\n\n  space </p>line<br>next', 'lots of space\n\nline\nnext', undefined],
		['a > inside a quoted attribute', '<a href="/x" title="a > b">ok</a>', '[ok](https://news.test/x)', undefined],
		['a stray < in text', '<p>1 < 2 and 3 > 2</p>', '1 < 2 and 3 > 2', undefined],
		['entities decoded', '<p>caf&eacute; &#8364;5 &#x1F600; &unknown; &lt;tag&gt;</p>', 'café €5 😀 &unknown; <tag>', undefined],
	])('%s', (_name, html, text, title) => {
		const page = readableHtml(html, base);
		expect(page.text).toBe(text);
		expect(page.title).toBe(title);
	});

	it('reads a large page with many unclosed tags in one pass', () => {
		const html = '<p>start</p>' + '<div><span><script x'.repeat(20_000);
		expect(readableHtml(html, base).text).toBe('start');
	});
});

describe('decodeEntities', () => {
	it.each([
		['&amp;amp;', '&amp;'],
		['&#0;', ''],
		['&#xD800;', ''],
		['&#1114112;', ''],
		['&nbsp;x', ' x'],
	])('%s → %j', (text, decoded) => {
		expect(decodeEntities(text)).toBe(decoded);
	});
});

describe('pageText', () => {
	it.each([
		['text/html; charset=utf-8', '<title>T</title><p>Hi</p>', {kind: 'text', title: 'T', text: 'Hi'}],
		['text/plain', '  plain words \n', {kind: 'text', text: 'plain words'}],
		['application/json', '{"a": 1}', {kind: 'text', text: '{"a": 1}'}],
		['application/ld+json', '{"a": 1}', {kind: 'text', text: '{"a": 1}'}],
		['', '<!doctype html><p>sniffed</p>', {kind: 'text', text: 'sniffed'}],
		['image/png', '\u0089PNG', {kind: 'binary', mediaType: 'image/png'}],
		['application/pdf', '%PDF-1.7', {kind: 'binary', mediaType: 'application/pdf'}],
		['', 'bin\u0000ary', {kind: 'binary', mediaType: 'application/octet-stream'}],
	])('%j', (contentType, body, expected) => {
		expect(pageText(Buffer.from(body, 'utf8'), contentType, base)).toEqual(expected);
	});

	it('decodes the charset of the header, else of the page', () => {
		const latin1 = Buffer.from('<p>Gr\u00fc\u00dfe</p>', 'latin1');
		expect(pageText(latin1, 'text/html; charset=ISO-8859-1', base)).toMatchObject({text: 'Grüße'});
		const meta = Buffer.concat([Buffer.from('<meta charset="windows-1252"><p>caf'), Buffer.from([0xe9]), Buffer.from('</p>')]);
		expect(pageText(meta, 'text/html', base)).toMatchObject({text: 'café'});
		expect(pageText(Buffer.from('<p>ok</p>'), 'text/html; charset=no-such-charset', base)).toMatchObject({text: 'ok'});
	});
});
