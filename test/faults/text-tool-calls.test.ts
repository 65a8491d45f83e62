// A model that writes its tool calls as text, streamed three characters at a time so every marker
// is split across chunks, through the whole host (agent-runner as a child process, the LLM bridge,
// the scripted Ollama server): each format runs as a call, is recorded as one, and never reaches the chat.
import {describe, expect, it} from 'vitest';
import {startScriptedOllama, type ScriptedOllama, type ScriptedReply} from '../support/ollama-server.js';
import {closeAfterEach, startTestHost, type TestHost} from '../support/test-host.js';

const closing = closeAfterEach();

/** A host of its own (its temp home lives for one test), a server streaming 3 characters a chunk, and the UI's deltas. */
async function start(...replies: ScriptedReply[]): Promise<{ollama: ScriptedOllama; running: TestHost; deltas: string[]}> {
	const ollama = closing(await startScriptedOllama({chunkSize: 3, replies}));
	const running = closing(await startTestHost({runtime: 'none', ollamaUrl: ollama.url}));
	const deltas: string[] = [];
	running.host.events.on('delta', (delta) => deltas.push(delta.text));
	return {ollama, running, deltas};
}

const command = (name: string) => `echo ran-${name}`;
const json = (name: string) => JSON.stringify({command: command(name)});

describe('tool calls written as text, through the host', () => {
	it.each<[string, string, string]>([
		['tool_call', `Let me do that.\n<tool_call>\n{"name": "bash", "arguments": ${json('tool_call')}}\n</tool_call>`, 'Let me do that.'],
		['bare', `{"name": "bash", "parameters": ${json('bare')}}`, ''],
		['fenced', `\`\`\`json\n{"name": "bash", "parameters": ${json('fenced')}}\n\`\`\``, ''],
		['python_tag', `<|python_tag|>{"type": "function", "name": "bash", "parameters": ${json('python_tag')}}<|eom_id|>`, ''],
		['python_call', `<|python_tag|>bash(command="${command('python_call')}")`, ''],
		['mistral', `[TOOL_CALLS] [{"name": "bash", "arguments": ${json('mistral')}}]`, ''],
		['mistral_v11', `[TOOL_CALLS]bash[ARGS]${json('mistral_v11')}`, ''],
	])('%s: runs the call, records it as a call, and only the answer reaches the chat', async (name, content, prose) => {
		const {ollama, running, deltas} = await start({content}, {content: 'done with it'});
		const outcome = await running.ask('main', `please run it (${name})`);
		expect(outcome).toMatchObject({ok: true, replies: ['done with it']});
		const followUp = ollama.chatRequests[1];
		const [call, result] = followUp.messages.slice(-2);
		expect(call).toMatchObject({role: 'assistant', content: prose, tool_calls: [{function: {name: 'bash', arguments: {command: command(name)}}}]});
		// It ran: its output is the tool result.
		expect(result).toMatchObject({role: 'tool', tool_name: 'bash', content: `exit code: 0\nstdout:\nran-${name}\n\nstderr:\n(empty)`});
		// The preview streamed to the UI never showed the call.
		expect(deltas.join('')).not.toMatch(/<tool_call>|python_tag|TOOL_CALLS|"name"/);
	});

	it.each<[string, string, RegExp]>([
		['bad JSON in a tag', '<tool_call>\n{"name": "bash", "arguments": {"command": "ls"\n</tool_call>', /^error: your call of "bash" was written as text \(tool_call tag\) and could not be read because .*Call the tool again with valid JSON arguments/],
		['single quotes after TOOL_CALLS', "[TOOL_CALLS][{'name': 'bash', 'arguments': {'command': 'ls'}}]", /could not be read because JSON needs double quotes/],
	])('malformed (%s): the model is told what was wrong, and the turn goes on', async (_name, content, error) => {
		const {ollama, running} = await start({content}, {content: 'fixed it'});
		expect(await running.ask('main', 'try it')).toMatchObject({ok: true, replies: ['fixed it']});
		const told = ollama.chatRequests[1].messages.at(-1)!;
		expect(told).toMatchObject({role: 'tool', tool_name: 'bash'});
		expect(told.content).toMatch(error);
	});

	it('an example in prose is an answer, not a call', async () => {
		const example = 'You can call it like this:\n```json\n{"name": "bash", "arguments": {"command": "rm -rf /tmp/x"}}\n```\nShall I?';
		const {ollama, running} = await start({content: example});
		expect(await running.ask('main', 'how would you do it?')).toMatchObject({ok: true, replies: [example]});
		expect(ollama.chatRequests).toHaveLength(1);
	});
});
