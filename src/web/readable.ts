// A fetched page as text a small model can read: HTML keeps its title, headings, paragraphs, list
// items and links and loses scripts, styles and markup. One linear pass, whatever the page holds.

export interface PageText {
	title?: string;
	text: string;
}

/** Elements whose content is dropped with them. */
const skipped = new Set(['script', 'style', 'noscript', 'template', 'svg', 'math', 'iframe', 'object', 'canvas', 'nav', 'select', 'button']);
/** Elements whose content is raw text up to their closing tag (never parsed as markup). */
const rawText = new Set(['script', 'style', 'title', 'textarea', 'noscript', 'template']);
const paragraphs = new Set(['p', 'blockquote', 'pre', 'table', 'ul', 'ol', 'dl', 'figure', 'section', 'article', 'main', 'header', 'footer', 'aside', 'form', 'hr']);
const lines = new Set(['br', 'div', 'tr', 'dt', 'dd', 'figcaption', 'caption', 'address', 'details', 'summary']);

const named: Record<string, string> = {
	amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', copy: '©', reg: '®', trade: '™', hellip: '…', mdash: '—', ndash: '–',
	lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', laquo: '«', raquo: '»', euro: '€', pound: '£', yen: '¥', cent: '¢', deg: '°',
	middot: '·', bull: '•', times: '×', divide: '÷', auml: 'ä', ouml: 'ö', uuml: 'ü', Auml: 'Ä', Ouml: 'Ö', Uuml: 'Ü', szlig: 'ß',
	eacute: 'é', egrave: 'è', agrave: 'à', aacute: 'á', ccedil: 'ç', ntilde: 'ñ', oacute: 'ó', iacute: 'í', uacute: 'ú', shy: '',
};

export function decodeEntities(text: string): string {
	return text.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z][a-z0-9]{1,31});?/gi, (all, body: string) => {
		if (body[0] === '#') {
			const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
			return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : '';
		}
		return named[body] ?? all;
	});
}

/** Where a tag that starts at `from` (at its `<`) ends: the index after its `>`, quotes respected. */
function tagEnd(html: string, from: number): number {
	let quote = '';
	for (let index = from + 1; index < html.length; index++) {
		const char = html[index];
		if (quote) {
			if (char === quote) quote = '';
		} else if (char === '"' || char === "'") quote = char;
		else if (char === '>') return index + 1;
	}
	return html.length;
}

function attribute(tag: string, name: string): string | undefined {
	const match = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag);
	return match ? decodeEntities(match[1] ?? match[2] ?? match[3] ?? '') : undefined;
}

/** The index after the closing tag of `name` at or after `from` (the end of the page when it is missing). */
function closingEnd(html: string, name: string, from: number): {contentEnd: number; end: number} {
	const pattern = new RegExp(`</${name}[\\s>/]`, 'gi');
	pattern.lastIndex = from;
	const match = pattern.exec(html);
	if (!match) return {contentEnd: html.length, end: html.length};
	return {contentEnd: match.index, end: tagEnd(html, match.index)};
}

const linkable = (href: string | undefined, base: string): string | undefined => {
	if (!href) return undefined;
	try {
		const url = new URL(href, base);
		return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
	} catch {
		return undefined;
	}
};

class TextBuilder {
	readonly pieces: string[] = [];

	text(raw: string): void {
		const text = decodeEntities(raw).replace(/\s+/g, ' ');
		if (text) this.pieces.push(text);
	}

	/** A break of `size` newlines: a line break after a break adds nothing, a paragraph break at most one more. */
	break(size: 1 | 2, prefix = ''): void {
		const last = this.pieces.at(-1) ?? '\n\n';
		if (!last.endsWith('\n')) this.pieces.push(size === 2 ? '\n\n' : '\n');
		else if (size === 2 && !last.endsWith('\n\n')) this.pieces.push('\n');
		if (prefix) this.pieces.push(prefix);
	}

	/** Lines trimmed, bullets and heading marks without text dropped, at most one empty line in a row. */
	result(): string {
		return this.pieces
			.join('')
			.split('\n')
			.map((line) => line.replace(/[ \t]+/g, ' ').trim())
			.filter((line) => !/^(?:-|#+|\|)$/.test(line))
			.join('\n')
			.replace(/\n{3,}/g, '\n\n')
			.trim();
	}
}

/** HTML as readable text: `# headings`, paragraphs, `- items`, links as `[text](url)`; scripts and styles dropped. */
export function readableHtml(html: string, baseUrl: string): PageText {
	const out = new TextBuilder();
	let title: string | undefined;
	let link: {start: number; href?: string} | undefined;
	let index = 0;
	while (index < html.length) {
		const open = html.indexOf('<', index);
		if (open === -1) {
			out.text(html.slice(index));
			break;
		}
		if (open > index) out.text(html.slice(index, open));
		if (html.startsWith('<!--', open)) {
			const close = html.indexOf('-->', open + 4);
			index = close === -1 ? html.length : close + 3;
			continue;
		}
		const match = /^<(\/?)([a-zA-Z][a-zA-Z0-9-]*)/.exec(html.slice(open, open + 40));
		if (!match) {
			if (html[open + 1] === '!' || html[open + 1] === '?') index = tagEnd(html, open);
			else {
				out.text('<');
				index = open + 1;
			}
			continue;
		}
		const end = tagEnd(html, open);
		const tag = html.slice(open, end);
		const closing = match[1] === '/';
		const name = match[2].toLowerCase();
		index = end;
		if (closing) {
			if (name === 'a' && link) {
				const text = out.pieces.splice(link.start).join('').replace(/\s+/g, ' ').trim();
				if (text) out.pieces.push(link.href ? `[${text}](${link.href})` : text);
				link = undefined;
			} else if (/^h[1-6]$/.test(name) || paragraphs.has(name)) out.break(2);
			else if (lines.has(name)) out.break(1);
			continue;
		}
		if (name === 'title') {
			const {contentEnd, end: after} = closingEnd(html, 'title', end);
			title ??= decodeEntities(html.slice(end, contentEnd)).replace(/\s+/g, ' ').trim() || undefined;
			index = after;
			continue;
		}
		if (skipped.has(name) || attribute(tag, 'aria-hidden') === 'true') {
			if (!tag.endsWith('/>') || rawText.has(name)) index = closingEnd(html, name, end).end;
			continue;
		}
		if (rawText.has(name)) {
			const {contentEnd, end: after} = closingEnd(html, name, end);
			out.text(html.slice(end, contentEnd));
			index = after;
			continue;
		}
		if (/^h[1-6]$/.test(name)) out.break(2, `${'#'.repeat(Number(name[1]))} `);
		else if (name === 'li') out.break(1, '- ');
		else if (name === 'td' || name === 'th') out.pieces.push(' | ');
		else if (name === 'a') link = {start: out.pieces.length, href: linkable(attribute(tag, 'href'), baseUrl)};
		else if (paragraphs.has(name)) out.break(2);
		else if (lines.has(name)) out.break(1);
	}
	return {...(title ? {title} : {}), text: out.result()};
}

export type PageContent = {kind: 'text'; title?: string; text: string} | {kind: 'binary'; mediaType: string};

const textMedia = /^(?:text\/|application\/(?:json|xml|javascript|ecmascript|x-www-form-urlencoded)$|application\/[a-z0-9.-]+\+(?:json|xml)$)/;

function decode(body: Buffer, charset: string | undefined): string {
	try {
		return new TextDecoder(charset?.trim().replace(/^["']|["']$/g, '') || 'utf-8').decode(body);
	} catch {
		return new TextDecoder('utf-8').decode(body);
	}
}

/** The body as text by its content type (HTML made readable); anything not text is `binary`. */
export function pageText(body: Buffer, contentType: string, url: string): PageContent {
	const mediaType = contentType.split(';')[0].trim().toLowerCase();
	const head = body.subarray(0, 2048).toString('latin1');
	const looksHtml = /^\s*(?:<!doctype html|<html|<head|<body)/i.test(head);
	const sniffedText = !mediaType && !head.includes('\u0000');
	if (mediaType && !textMedia.test(mediaType)) return {kind: 'binary', mediaType};
	if (!mediaType && !sniffedText) return {kind: 'binary', mediaType: 'application/octet-stream'};
	const html = mediaType === 'text/html' || mediaType === 'application/xhtml+xml' || (!mediaType && looksHtml);
	const charset = /charset\s*=\s*([^;\s]+)/i.exec(contentType)?.[1] ?? (html ? /<meta[^>]+charset\s*=\s*["']?([\w-]+)/i.exec(head)?.[1] : undefined);
	const text = decode(body, charset);
	return html ? {kind: 'text', ...readableHtml(text, url)} : {kind: 'text', text: text.trim()};
}
