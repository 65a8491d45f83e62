// The realistic scripted Ollama's prompt side: a qwen3-style chat template, a deterministic
// tokenizer, and Ollama's two ways of making a prompt fit `num_ctx` (server/prompt.go `chatPrompt`,
// then the runner's cut that keeps `num_keep` tokens and the tail). See ollama-server.ts for what
// is reproduced and what is not.

export interface SimMessage {
	role: string;
	content: string;
	tool_calls?: Array<{function: {name: string; arguments: unknown}}>;
	tool_name?: string;
}

export interface SimTool {
	type: string;
	function: {name: string; description?: string; parameters?: unknown};
}

export interface TokenizerOptions {
	/** Longest run of letters one token covers (smaller: more tokens per word, a "denser" tokenizer). */
	wordPieceChars: number;
}

const special = /^(<\|[a-z_]+\|>|<\/?(tool_call|tool_response|tools|think)>)/;

/**
 * A deterministic stand-in for BPE: special tokens and tags are one token; a word (with its leading
 * space) is one token per `wordPieceChars` letters; digits go in threes; a run of newlines or of
 * spaces is one token; anything else is one token per character.
 */
export function tokenize(text: string, options: TokenizerOptions): string[] {
	const tokens: string[] = [];
	const piece = options.wordPieceChars;
	let index = 0;
	while (index < text.length) {
		const rest = text.slice(index, index + 24);
		const tag = special.exec(rest);
		if (tag) {
			tokens.push(tag[1]);
			index += tag[1].length;
			continue;
		}
		const word = /^ ?[A-Za-z]+/.exec(text.slice(index, index + 256));
		if (word) {
			for (let at = 0; at < word[0].length; at += piece) tokens.push(word[0].slice(at, at + piece));
			index += word[0].length;
			continue;
		}
		const run = /^( ?\d{1,3}|\n+| +)/.exec(rest);
		const length = run ? run[0].length : 1;
		tokens.push(text.slice(index, index + length));
		index += length;
	}
	return tokens;
}

export interface RenderOptions {
	tools: SimTool[];
	/** Whether the model will think: off adds qwen3's empty think block to the generation prompt. */
	thinking: boolean;
}

const toolPreamble = (tools: SimTool[]) =>
	[
		'# Tools',
		'',
		'You may call one or more functions to assist with the user query.',
		'',
		'You are provided with function signatures within <tools></tools> XML tags:',
		'<tools>',
		...tools.map((tool) => JSON.stringify(tool)),
		'</tools>',
		'',
		'For each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:',
		'<tool_call>',
		'{"name": <function-name>, "arguments": <args-json-object>}',
		'</tool_call>',
	].join('\n');

const renderCalls = (calls: SimMessage['tool_calls']) =>
	(calls ?? []).map((call) => `<tool_call>\n${JSON.stringify({name: call.function.name, arguments: call.function.arguments})}\n</tool_call>`).join('\n');

/** Each message's text as the template renders it; the first system block carries the tools. */
export function renderMessages(messages: SimMessage[], tools: SimTool[]): string[] {
	const parts: string[] = [];
	const firstIsSystem = messages[0]?.role === 'system';
	if (!firstIsSystem && tools.length) parts.push(`<|im_start|>system\n${toolPreamble(tools)}<|im_end|>\n`);
	messages.forEach((message, index) => {
		if (message.role === 'system') {
			const withTools = index === 0 && tools.length ? `${message.content}\n\n${toolPreamble(tools)}` : message.content;
			parts.push(`<|im_start|>system\n${withTools}<|im_end|>\n`);
		} else if (message.role === 'assistant') {
			const calls = renderCalls(message.tool_calls);
			parts.push(`<|im_start|>assistant\n${message.content}${message.content && calls ? '\n' : ''}${calls}<|im_end|>\n`);
		} else if (message.role === 'tool') {
			parts.push(`<|im_start|>user\n<tool_response>\n${message.content}\n</tool_response><|im_end|>\n`);
		} else {
			parts.push(`<|im_start|>user\n${message.content}<|im_end|>\n`);
		}
	});
	return parts;
}

export function generationPrompt(thinking: boolean): string {
	return thinking ? '<|im_start|>assistant\n' : '<|im_start|>assistant\n<think>\n\n</think>\n\n';
}

/** The tokens of a whole prompt, message by message (so a message's tokens never depend on its neighbours). */
export function promptTokens(messages: SimMessage[], render: RenderOptions, tokenizer: TokenizerOptions): {tokens: string[]; perMessage: number[]} {
	const parts = renderMessages(messages, render.tools);
	const tokens: string[] = [];
	const perMessage: number[] = [];
	for (const part of parts) {
		const partTokens = tokenize(part, tokenizer);
		perMessage.push(partTokens.length);
		tokens.push(...partTokens);
	}
	tokens.push(...tokenize(generationPrompt(render.thinking), tokenizer));
	return {tokens, perMessage};
}

export interface FittedPrompt {
	tokens: string[];
	/** Messages chatPrompt dropped from the front (system messages are never dropped). */
	droppedMessages: number;
	/** Index of the first non-system message kept. */
	keptFrom: number;
	/** The runner cut the token list (keeping num_keep tokens and the tail): the system prompt is gone. */
	runnerCut: boolean;
	/** Tokens of the whole prompt before any of that. */
	fullTokens: number;
}

/**
 * Ollama's `chatPrompt`: drop the oldest messages one by one (keeping every system message and
 * always the last message) until the rendered prompt fits num_ctx.
 */
export function chatPrompt(messages: SimMessage[], numCtx: number, render: RenderOptions, tokenizer: TokenizerOptions): FittedPrompt {
	const parts = renderMessages(messages, render.tools).map((part) => tokenize(part, tokenizer));
	const generation = tokenize(generationPrompt(render.thinking), tokenizer);
	// The tools' block is a part of its own when the first message is not a system message.
	const offset = parts.length - messages.length;
	const full = [...parts.flat(), ...generation];
	const last = messages.length - 1;
	const suffix: number[] = new Array(parts.length + 1).fill(0);
	for (let j = parts.length - 1; j >= 0; j--) suffix[j] = suffix[j + 1] + parts[j].length;
	for (let start = 0; start <= last; start++) {
		const system = messages.slice(0, start).filter((m) => m.role === 'system');
		const simple = start === 0 || (offset === 0 && system.length === 1 && messages[0].role === 'system');
		const fits = (tokens: number) => tokens <= numCtx || start === last;
		const result = (tokens: string[]) => ({tokens, droppedMessages: start - system.length, keptFrom: start, runnerCut: false, fullTokens: full.length});
		if (simple) {
			const count = start === 0 ? full.length : parts[0].length + suffix[start] + generation.length;
			if (fits(count)) return result(start === 0 ? full : [...parts[0], ...parts.slice(start).flat(), ...generation]);
			continue;
		}
		const {tokens} = promptTokens([...system, ...messages.slice(start)], render, tokenizer);
		if (fits(tokens.length)) return result(tokens);
	}
	return {tokens: full, droppedMessages: 0, keptFrom: 0, runnerCut: false, fullTokens: full.length};
}

/**
 * The runner's cut when even the last message alone is too long (llm/llama_server.go
 * `completionPromptForRequest`): keep `numKeep` tokens, then the tail, so that about half of the
 * rest of the context is free.
 */
export function runnerCut(tokens: string[], numCtx: number, numKeep: number): {tokens: string[]; tailFrom: number} | undefined {
	if (tokens.length <= numCtx - 1) return undefined;
	const keep = Math.max(0, Math.min(numKeep, numCtx - 1));
	const limit = numCtx - Math.max(Math.floor((numCtx - keep) / 2), 1);
	const tailFrom = tokens.length - (limit - keep);
	return {tokens: [...tokens.slice(0, keep), ...tokens.slice(tailFrom)], tailFrom};
}

/** The shared prefix of two token lists (Ollama's countCommonPrefix). */
export function commonPrefix(a: string[], b: string[]): number {
	const length = Math.min(a.length, b.length);
	let count = 0;
	while (count < length && a[count] === b[count]) count++;
	return count;
}
