// Skills through the whole host (runtime none, the agent-runner from dist/): the user's skills in
// $BABYBOT_HOME/skills, the synced copy, GroupRunner.planTurn and the scripted Ollama server.
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {startScriptedOllama, type ScriptedOllama, type ScriptedReply} from '../support/ollama-server.js';
import {startTestHost, type TestHost, closeAfterEach} from '../support/test-host.js';
import {tempHome} from '../support/temp-home.js';

let ollama: ScriptedOllama | undefined;
let testHost: TestHost | undefined;
const track = closeAfterEach();

function writeUserSkill(home: string, folder: string, text: string | null, files: Record<string, string> = {}) {
	const dir = path.join(home, 'skills', folder);
	fs.mkdirSync(dir, {recursive: true});
	if (text !== null) fs.writeFileSync(path.join(dir, 'SKILL.md'), text);
	for (const [file, content] of Object.entries(files)) {
		fs.mkdirSync(path.dirname(path.join(dir, file)), {recursive: true});
		fs.writeFileSync(path.join(dir, file), content);
	}
}

async function start(prepare: (home: string) => void, replies: ScriptedReply[] = []): Promise<TestHost> {
	const made = tempHome();
	prepare(made.home);
	ollama = track(await startScriptedOllama({replies}));
	testHost = track(await startTestHost({runtime: 'none', ollamaUrl: ollama.url, home: made}));
	return testHost;
}

const greet = '---\nname: greet\ndescription: Greet people warmly\n---\n# Greeting\nGREET-BODY-MARKER: use the template.\n';
const allText = (request: {messages: Array<{content: string}>}) => request.messages.map((m) => m.content).join('\n');

describe('skills through the host', () => {
	it('a /name invocation reaches the model in that message only, with its arguments, never in the system prompt', async () => {
		const {ask} = await start((home) => writeUserSkill(home, 'greet', greet), [{content: 'Hello Ana!'}, {content: 'You are welcome.'}]);
		expect(await ask('main', '/greet my aunt Ana')).toMatchObject({ok: true, replies: ['Hello Ana!']});
		expect(await ask('main', 'thanks')).toMatchObject({ok: true, replies: ['You are welcome.']});

		const [invoked, next] = ollama!.chatRequests;
		// The system prompt stays the same from turn to turn (Ollama's prompt cache); the skill rides in the message.
		expect(invoked.messages[0].content).toBe(next.messages[0].content);
		expect(invoked.messages.at(-1)!.content).toContain('/greet my aunt Ana');
		expect(invoked.messages.at(-1)!.content).toContain('## Skill invoked for this message: greet\nArguments: my aunt Ana');
		expect(invoked.messages.at(-1)!.content).toContain('GREET-BODY-MARKER');
		// The next message of the same conversation carries the earlier exchange, never the skill body.
		expect(allText(next)).toContain('/greet my aunt Ana');
		expect(allText(next)).not.toContain('GREET-BODY-MARKER');
		expect(next.messages[0].content).toContain('- greet: Greet people warmly');
	});

	it('load_skill round trip: the tool result holds the body and the files beside SKILL.md', async () => {
		const {ask, home} = await start(
			(home) => writeUserSkill(home, 'greet', greet, {'templates/hello.txt': 'Hello {name}', 'notes.md': 'n'}),
			[{toolCalls: [{name: 'load_skill', arguments: {name: 'greet'}}]}, {content: 'Done.'}],
		);
		expect(await ask('main', 'say hi to Ana nicely')).toMatchObject({ok: true, replies: ['Done.']});

		const [first, second] = ollama!.chatRequests;
		expect(first.messages[0].content).toContain('- greet: Greet people warmly');
		expect(allText(first)).not.toContain('GREET-BODY-MARKER');
		expect(first.tools!.map((tool) => tool.function.name)).toContain('load_skill');
		const result = second.messages.at(-1)!;
		expect(result).toMatchObject({role: 'tool', tool_name: 'load_skill'});
		expect(result.content).toContain('# Greeting\nGREET-BODY-MARKER: use the template.');
		const folder = path.join(home, 'skills-synced', 'greet');
		expect(result.content).toContain(`## Files beside SKILL.md (paths relative to ${folder})\n- notes.md\n- templates/hello.txt`);
		expect(fs.readFileSync(path.join(folder, 'templates', 'hello.txt'), 'utf8')).toBe('Hello {name}');
	});

	it("the user's skill overrides the built-in one; a broken skill is listed with its reason and the host carries on", async () => {
		const {ask, host} = await start(
			(home) => {
				writeUserSkill(home, 'debug', '---\nname: debug\ndescription: My own debugging notes\n---\nMY-DEBUG-BODY\n');
				writeUserSkill(home, 'half-done', null, {'notes.md': 'no SKILL.md yet'});
				writeUserSkill(home, 'bad-yaml', '---\nname: [bad\ndescription: x\n---\nbody\n');
			},
			[{content: 'Looking.'}],
		);
		const skills = host.snapshot().skills;
		expect(skills.find((s) => s.name === 'debug')).toMatchObject({source: 'user', description: 'My own debugging notes'});
		expect(skills.find((s) => s.name === 'debug')!.broken).toBeUndefined();
		expect(skills.find((s) => s.name === 'half-done')?.broken).toMatch(/no SKILL\.md in .*half-done: add one/);
		expect(skills.find((s) => s.name === 'bad-yaml')?.broken).toMatch(/not valid YAML/);
		// Every built-in skill parses.
		expect(skills.filter((s) => s.source === 'builtin' && s.broken)).toEqual([]);
		expect(skills.filter((s) => s.source === 'builtin').map((s) => s.name)).toContain('reminders');

		const listed = await ask('main', '/skills');
		expect(listed.replies[0]).toMatch(/• \/half-done \(broken: no SKILL\.md/);
		expect(listed.replies[0]).toContain('• /debug: My own debugging notes');

		expect(await ask('main', '/debug the family group is silent')).toMatchObject({ok: true, replies: ['Looking.']});
		const system = ollama!.chatRequests[0].messages[0].content;
		expect(ollama!.chatRequests[0].messages.at(-1)!.content).toContain('MY-DEBUG-BODY');
		expect(system).toContain('- debug: My own debugging notes');
		expect(system).not.toContain('half-done');
		expect(system).not.toContain('bad-yaml');
	});
});
