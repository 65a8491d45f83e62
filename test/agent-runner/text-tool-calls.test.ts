// Tool calls written as text, with outputs of real models as their users reported them (issue
// threads of Ollama, vLLM, LiteLLM and others; names and arguments adapted to this agent's tools).
import {describe, expect, it} from 'vitest';
import {parseTextToolCalls, TextCallGate} from '../../container/agent-runner/src/text-tool-calls.js';

const tools = new Set(['bash', 'read_file', 'write_file', 'send_message']);
const parse = (text: string) => parseTextToolCalls(text, tools);
const calls = (text: string) => {
	const result = parse(text);
	return result.kind === 'calls' ? result.calls.map((call) => [call.function.name, call.function.arguments]) : result.kind;
};

describe('tool calls written as text', () => {
	it.each<[string, string, unknown]>([
		// Qwen2.5 / Hermes template output with the tags in the content.
		['tool_call tag', '<tool_call>\n{"name": "read_file", "arguments": {"path": "test.txt"}}\n</tool_call>', [['read_file', {path: 'test.txt'}]]],
		['two tool_call tags with prose', 'Let me check.\n<tool_call>\n{"name": "bash", "arguments": {"command": "ls"}}\n</tool_call>\n<tool_call>\n{"name": "bash", "arguments": {"command": "pwd"}}\n</tool_call>', [['bash', {command: 'ls'}], ['bash', {command: 'pwd'}]]],
		['an unclosed tool_call tag at the end', '<tool_call>\n{"name": "bash", "arguments": {"command": "df -h"}}', [['bash', {command: 'df -h'}]]],
		// llama3.2:3b through Ollama: JSON in a code fence as the whole content (ollama/ollama#13519).
		['bare JSON in a json fence, "parameters"', '```json\n{"name": "bash", "parameters": {"command": "ollama list"}}\n```', [['bash', {command: 'ollama list'}]]],
		// Llama 3.x JSON tool calling: the object is the whole reply.
		['bare JSON', '{"name": "read_file", "parameters": {"path": "notes.md"}}', [['read_file', {path: 'notes.md'}]]],
		// llama-3.2-vision on vLLM (vllm-project/vllm#11786) and llama-3.3 on Fireworks (BerriAI/litellm#7209).
		['bare JSON with type function and a nested function', '{"type": "function", "function": {"name": "bash", "parameters": {"command": "uptime"}}}', [['bash', {command: 'uptime'}]]],
		['bare JSON with type function', '{"type": "function", "name": "send_message", "parameters": {"text": "hi"}}', [['send_message', {text: 'hi'}]]],
		// Two objects in a row (sgomez/ollama-ai-provider#11).
		['two bare objects in a row', '{\n  "name": "bash",\n  "arguments": {\n    "command": "date"\n  }\n} {\n  "name": "bash",\n  "arguments": {\n    "command": "whoami"\n  }\n}', [['bash', {command: 'date'}], ['bash', {command: 'whoami'}]]],
		['arguments as a JSON string', '{"name": "bash", "arguments": "{\\"command\\": \\"ls\\"}"}', [['bash', '{"command": "ls"}']]],
		// Llama 3.1 with Environment: ipython (meta-llama/llama-models#266).
		['python_tag with JSON', '<|python_tag|>{"type": "function", "name": "bash", "parameters": {"command": "ls -la"}}<|eom_id|>', [['bash', {command: 'ls -la'}]]],
		['python_tag with a Python call', '<|python_tag|>read_file(path="todo.txt")', [['read_file', {path: 'todo.txt'}]]],
		['python_tag with two calls separated by ;', '<|python_tag|>{"name": "bash", "parameters": {"command": "ls"}}; {"name": "bash", "parameters": {"command": "pwd"}}', [['bash', {command: 'ls'}], ['bash', {command: 'pwd'}]]],
		// Mistral before tokenizer v11, with trailing text (vLLM's parser tests).
		['TOOL_CALLS array', '[TOOL_CALLS] [{"name": "bash", "arguments": {"command": "free -m"}}]\nextra trailing data', [['bash', {command: 'free -m'}]]],
		['TOOL_CALLS array of two, content first', 'Hello[TOOL_CALLS] [{"name": "bash", "arguments": {"command": "ls"}}, {"name": "read_file", "arguments": {"path": "a"}}]', [['bash', {command: 'ls'}], ['read_file', {path: 'a'}]]],
		// Mistral v11+ (Mistral Small 3.x): name then arguments, repeated.
		['TOOL_CALLS name{args} repeated', '[TOOL_CALLS]bash{"command": "ls"}[TOOL_CALLS]read_file{"path": "x"}', [['bash', {command: 'ls'}], ['read_file', {path: 'x'}]]],
		['TOOL_CALLS name[ARGS]{args}', '[TOOL_CALLS]write_file[ARGS]{"path": "a.txt", "content": "hi"}', [['write_file', {path: 'a.txt', content: 'hi'}]]],
	])('%s', (_name, text, expected) => {
		expect(calls(text)).toEqual(expected);
	});

	it.each<[string, string]>([
		['prose that mentions JSON', 'The JSON object {"name": "Bob", "arguments": []} has two keys.'],
		['an example in a code block inside prose', 'You could run:\n```json\n{"name": "bash", "arguments": {"command": "ls"}}\n```\nThat lists the files.'],
		['a tag in inline code', 'Models often write `<tool_call>{"name": "bash"}</tool_call>` instead of calling.'],
		['a tag inside a code block', 'Example:\n```\n<tool_call>\n{"name": "bash", "arguments": {"command": "ls"}}\n</tool_call>\n```'],
		['JSON data that is not a call of a known tool', '{"name": "Alice", "arguments": {"age": 3}}'],
		['JSON data without name', '{"city": "Paris", "temp": 21}'],
		['a plain answer', 'It is 21 °C in Paris.'],
		['a list starting with a bracket', '[1] buy milk\n[2] call mum'],
	])('not a call: %s', (_name, text) => {
		expect(parse(text)).toEqual({kind: 'none'});
	});

	it.each<[string, string, string, RegExp]>([
		['bad JSON in a tool_call tag', '<tool_call>\n{"name": "bash", "arguments": {"command": "ls"\n</tool_call>', 'bash', /not closed|JSON/],
		// Mistral 7B v0.3 quantized on vLLM wrote single quotes (vllm-project/vllm#5649).
		['single-quoted Mistral array', "[TOOL_CALLS][{'name': 'bash', 'arguments': {'command': 'ls'}}]", 'bash', /double quotes/],
		['a tag without name', '<tool_call>\n{"arguments": {"command": "ls"}}\n</tool_call>', 'unknown', /needs "name"/],
		['python_tag with an expression', '<|python_tag|>bash(command=get_cmd())', 'bash', /neither a JSON object/],
		['bare JSON of a known tool cut short', '{"name": "write_file", "arguments": {"path": "a.txt", "content": "half', 'write_file', /not closed/],
	])('malformed: %s', (_name, text, name, error) => {
		const result = parse(text);
		expect(result.kind).toBe('malformed');
		if (result.kind !== 'malformed') return;
		expect(result.name).toBe(name);
		expect(result.error).toMatch(error);
	});

	it('keeps the prose around a tagged call', () => {
		expect(parse('Checking the disk.\n<tool_call>{"name": "bash", "arguments": {"command": "df"}}</tool_call>\nOne moment.')).toMatchObject({prose: 'Checking the disk.\n\nOne moment.'});
	});
});

describe('the streaming preview', () => {
	const stream = (chunks: string[]) => {
		const gate = new TextCallGate();
		return chunks.map((chunk) => gate.push(chunk)).join('');
	};
	const splits = (text: string) => Array.from({length: text.length - 1}, (_, at) => [text.slice(0, at + 1), text.slice(at + 1)]);

	it.each([
		['Sure, one moment.\n<tool_call>{"name": "bash", "arguments": {}}</tool_call>', 'Sure, one moment.\n'],
		['Let me look. [TOOL_CALLS]bash{"command": "ls"}', 'Let me look. '],
		['<|python_tag|>{"name": "bash"}', ''],
		['{"name": "bash", "arguments": {"command": "ls"}}', ''],
		['Plain text, with a < sign and [brackets].', 'Plain text, with a < sign and [brackets].'],
	])('shows %j as %j, wherever the chunks split', (text, shown) => {
		for (const chunks of splits(text)) expect(stream(chunks)).toBe(shown);
		expect(stream([...text])).toBe(shown);
	});
});
