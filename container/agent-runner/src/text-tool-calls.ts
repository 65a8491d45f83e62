// Tool calls a local model wrote as text instead of in `tool_calls`: Hermes/Qwen
// `<tool_call>{…}</tool_call>`, a bare `{"name": …, "arguments": …}` object as the whole reply,
// Llama's `<|python_tag|>`, Mistral's `[TOOL_CALLS]`. A marker inside a code span or block is an
// example, not a call; a bare object counts only as the whole reply and only for a known tool.
import type {ToolCall} from './protocol.js';

export type TextCallFormat = 'tool_call tag' | 'bare JSON' | 'python_tag' | 'TOOL_CALLS';

export type TextToolCalls =
	| {kind: 'none'}
	| {kind: 'calls'; format: TextCallFormat; calls: ToolCall[]; prose: string}
	| {kind: 'malformed'; format: TextCallFormat; name: string; error: string; prose: string};

const markers = ['<tool_call>', '<|python_tag|>', '[TOOL_CALLS]'] as const;

/** [start, end) ranges of fenced code blocks and inline code spans. */
function codeRanges(text: string): Array<[number, number]> {
	const ranges: Array<[number, number]> = [];
	const pattern = /```[\s\S]*?(```|$)|`[^`\n]*`/g;
	for (let match = pattern.exec(text); match; match = pattern.exec(text)) ranges.push([match.index, match.index + match[0].length]);
	return ranges;
}

function indexOutsideCode(text: string, needle: string, from = 0): number {
	const ranges = codeRanges(text);
	for (let index = text.indexOf(needle, from); index !== -1; index = text.indexOf(needle, index + 1)) {
		if (!ranges.some(([start, end]) => index >= start && index < end)) return index;
	}
	return -1;
}

/** The end of the JSON value starting at `start` (brackets balanced, strings skipped), or -1. */
function jsonEnd(text: string, start: number): number {
	let depth = 0;
	let quote: string | undefined;
	for (let index = start; index < text.length; index++) {
		const char = text[index];
		if (quote) {
			if (char === '\\') index++;
			else if (char === quote) quote = undefined;
		} else if (char === '"' || char === "'") quote = char;
		else if (char === '{' || char === '[') depth++;
		else if (char === '}' || char === ']') {
			depth--;
			if (depth === 0) return index + 1;
		}
	}
	return -1;
}

type Parsed = {ok: true; value: unknown; end: number} | {ok: false; error: string; end: number};

function readJson(text: string, start: number): Parsed {
	const end = jsonEnd(text, start);
	const slice = end === -1 ? text.slice(start) : text.slice(start, end);
	try {
		return {ok: true, value: JSON.parse(slice), end: end === -1 ? text.length : end};
	} catch (error) {
		const why = end === -1 ? 'it is not closed' : /'/.test(slice) && !/"/.test(slice) ? 'JSON needs double quotes' : (error as Error).message;
		return {ok: false, error: why, end: end === -1 ? text.length : end};
	}
}

/** A call object in any of the shapes models write; undefined when it is not one. */
function toCall(value: unknown): ToolCall | undefined {
	if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
	const object = value as Record<string, unknown>;
	const inner = object.function && typeof object.function === 'object' ? (object.function as Record<string, unknown>) : object;
	if (typeof inner.name !== 'string' || !inner.name) return undefined;
	const args = inner.arguments ?? inner.parameters ?? {};
	if (typeof args !== 'string' && (typeof args !== 'object' || args === null || Array.isArray(args))) return undefined;
	return {function: {name: inner.name, arguments: args as Record<string, unknown> | string}};
}

const nameIn = (text: string) => /["']name["']\s*:\s*["']([^"']+)["']/.exec(text)?.[1] ?? /^\s*([A-Za-z_][\w.-]*)/.exec(text)?.[1] ?? 'unknown';

const malformed = (format: TextCallFormat, raw: string, error: string, prose: string): TextToolCalls => ({kind: 'malformed', format, name: nameIn(raw), error, prose});

/** Calls in one JSON value: a call object, or an array of them. */
function callsIn(value: unknown): ToolCall[] | undefined {
	const items = Array.isArray(value) ? value : [value];
	const calls = items.map(toCall);
	return calls.length > 0 && calls.every(Boolean) ? (calls as ToolCall[]) : undefined;
}

/** The calls in the JSON value `text` starts with, and where it ends; or why it is not one. */
function jsonCallsAt(format: TextCallFormat, text: string, prose: string): {calls: ToolCall[]; end: number} | TextToolCalls {
	const parsed = readJson(text, 0);
	if (!parsed.ok) return malformed(format, text, parsed.error, prose);
	const calls = callsIn(parsed.value);
	if (!calls) return malformed(format, text, `it needs "name" and ${format === 'python_tag' ? '"parameters"' : '"arguments"'}`, prose);
	return {calls, end: parsed.end};
}

const isParsed = (result: {calls: ToolCall[]; end: number} | TextToolCalls): result is {calls: ToolCall[]; end: number} => 'calls' in result && 'end' in result;

function parseTagged(content: string, start: number): TextToolCalls {
	const calls: ToolCall[] = [];
	let prose = content.slice(0, start);
	let at = start;
	while (at !== -1) {
		const bodyStart = at + '<tool_call>'.length;
		const close = content.indexOf('</tool_call>', bodyStart);
		const body = content.slice(bodyStart, close === -1 ? undefined : close).trim();
		if (!body.startsWith('{') && !body.startsWith('[')) return malformed('tool_call tag', body, 'it holds no JSON object', prose.trim());
		const found = jsonCallsAt('tool_call tag', body, prose.trim());
		if (!isParsed(found)) return found;
		calls.push(...found.calls);
		const after = close === -1 ? content.length : close + '</tool_call>'.length;
		const next = indexOutsideCode(content, '<tool_call>', after);
		prose += content.slice(after, next === -1 ? undefined : next);
		at = next;
	}
	return {kind: 'calls', format: 'tool_call tag', calls, prose: prose.trim()};
}

/** `name(key="value", n=1, flag=True)`: Llama's built-in call syntax, literals only. */
function pythonCall(text: string): ToolCall | undefined {
	const match = /^([A-Za-z_][\w.]*)\(([\s\S]*)\)$/.exec(text.trim());
	if (!match) return undefined;
	const args: Record<string, unknown> = {};
	const pattern = /\s*([A-Za-z_]\w*)\s*=\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|-?\d+(?:\.\d+)?|True|False|None)\s*(,|$)/gy;
	let consumed = 0;
	for (let arg = pattern.exec(match[2]); arg; arg = pattern.exec(match[2])) {
		const raw = arg[2];
		args[arg[1]] = raw.startsWith("'") ? raw.slice(1, -1) : raw === 'True' ? true : raw === 'False' ? false : raw === 'None' ? null : JSON.parse(raw);
		consumed = pattern.lastIndex;
		if (consumed >= match[2].length) break;
	}
	if (match[2].trim() && consumed < match[2].trimEnd().length) return undefined;
	return {function: {name: match[1].replace(/\.call$/, ''), arguments: args}};
}

function parsePythonTag(content: string, start: number): TextToolCalls {
	const prose = content.slice(0, start).trim();
	const rest = content.slice(start + '<|python_tag|>'.length).split(/<\|eom_id\|>|<\|eot_id\|>/)[0].trim();
	const calls: ToolCall[] = [];
	for (const part of rest.startsWith('{') || rest.startsWith('[') ? [rest] : rest.split(/;\s*|\n+/).filter((p) => p.trim())) {
		let text = part.trim();
		while (text.startsWith('{') || text.startsWith('[')) {
			const found = jsonCallsAt('python_tag', text, prose);
			if (!isParsed(found)) return found;
			calls.push(...found.calls);
			text = text.slice(found.end).replace(/^[\s;,]+/, '');
		}
		if (!text) continue;
		const call = pythonCall(text);
		if (!call) return malformed('python_tag', text, 'it is neither a JSON object nor name(key=value, …) with plain values', prose);
		calls.push(call);
	}
	if (calls.length === 0) return malformed('python_tag', rest, 'nothing follows <|python_tag|>', prose);
	return {kind: 'calls', format: 'python_tag', calls, prose};
}

function parseMistral(content: string, start: number): TextToolCalls {
	const prose = content.slice(0, start).trim();
	const calls: ToolCall[] = [];
	for (const segment of content.slice(start).split('[TOOL_CALLS]').slice(1)) {
		const text = segment.trim();
		if (text.startsWith('[') || text.startsWith('{')) {
			const found = jsonCallsAt('TOOL_CALLS', text, prose);
			if (!isParsed(found)) return found;
			calls.push(...found.calls);
			continue;
		}
		// Newer Mistral: name{args}, name[ARGS]{args}, name[CALL_ID]id[ARGS]{args}.
		const match = /^([A-Za-z_][\w.-]*)(?:\[CALL_ID\][A-Za-z0-9]+)?(?:\[ARGS\])?\s*([\s\S]*)$/.exec(text);
		if (!match || !match[2].trim().startsWith('{')) return malformed('TOOL_CALLS', text, 'it is neither [{"name": …, "arguments": …}] nor name{arguments}', prose);
		const parsed = readJson(match[2].trim(), 0);
		if (!parsed.ok) return malformed('TOOL_CALLS', text, parsed.error, prose);
		if (!parsed.value || typeof parsed.value !== 'object' || Array.isArray(parsed.value)) return malformed('TOOL_CALLS', text, 'the arguments must be a JSON object', prose);
		calls.push({function: {name: match[1], arguments: parsed.value as Record<string, unknown>}});
	}
	return {kind: 'calls', format: 'TOOL_CALLS', calls, prose};
}

/** The whole reply as call objects (one, an array, or several in a row), optionally in one code fence. */
function parseBare(content: string, toolNames: ReadonlySet<string>): TextToolCalls {
	let text = content.trim();
	const fence = /^```(?:json)?\s*\n([\s\S]*?)\n?```$/.exec(text);
	if (fence) text = fence[1].trim();
	if (!text.startsWith('{') && !text.startsWith('[')) return {kind: 'none'};
	const looksLikeCall = [...toolNames].some((name) => new RegExp(`["']name["']\\s*:\\s*["']${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["']`).test(text));
	const calls: ToolCall[] = [];
	while (text) {
		const parsed = readJson(text, 0);
		if (!parsed.ok) return looksLikeCall ? malformed('bare JSON', text, parsed.error, '') : {kind: 'none'};
		const found = callsIn(parsed.value);
		if (!found || !found.every((call) => toolNames.has(call.function.name))) return {kind: 'none'};
		calls.push(...found);
		text = text.slice(parsed.end).trim();
		if (text && !text.startsWith('{')) return {kind: 'none'};
	}
	return {kind: 'calls', format: 'bare JSON', calls, prose: ''};
}

export function parseTextToolCalls(content: string, toolNames: ReadonlySet<string>): TextToolCalls {
	const tag = indexOutsideCode(content, '<tool_call>');
	if (tag !== -1) return parseTagged(content, tag);
	const python = indexOutsideCode(content, '<|python_tag|>');
	if (python !== -1) return parsePythonTag(content, python);
	const mistral = indexOutsideCode(content, '[TOOL_CALLS]');
	if (mistral !== -1) return parseMistral(content, mistral);
	return parseBare(content, toolNames);
}

/**
 * Streaming text shown while the answer arrives: what may turn out to be a call written as text is
 * held back (from a marker on, and a reply that starts like JSON), so the preview never shows it.
 */
export class TextCallGate {
	private text = '';
	private shown = 0;
	private held = false;

	push(chunk: string): string {
		this.text += chunk;
		if (this.held) return '';
		const start = this.text.trimStart();
		if (!start) return '';
		if (this.shown === 0 && /^[{[`]/.test(start)) {
			this.held = true;
			return '';
		}
		const found = markers.map((marker) => this.text.indexOf(marker, this.shown)).filter((index) => index !== -1);
		if (found.length) {
			this.held = true;
			return this.take(Math.min(...found));
		}
		let partial = 0;
		for (const marker of markers) {
			for (let length = Math.min(marker.length - 1, this.text.length); length > partial; length--) {
				if (this.text.endsWith(marker.slice(0, length))) partial = length;
			}
		}
		return this.take(this.text.length - partial);
	}

	private take(end: number): string {
		const out = this.text.slice(this.shown, Math.max(this.shown, end));
		this.shown = Math.max(this.shown, end);
		return out;
	}
}
