import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {parseFrontMatter} from '../../container/agent-runner/src/skills.js';
import type {WorkspacePaths} from '../../container/agent-runner/src/protocol.js';
import {call, lastToolContent, startFakeHost} from './fake-host.js';

function writeSkill(paths: WorkspacePaths, dir: string, text: string, extra: Record<string, string> = {}) {
	fs.mkdirSync(path.join(paths.skills, dir), {recursive: true});
	fs.writeFileSync(path.join(paths.skills, dir, 'SKILL.md'), text);
	for (const [file, content] of Object.entries(extra)) {
		fs.mkdirSync(path.dirname(path.join(paths.skills, dir, file)), {recursive: true});
		fs.writeFileSync(path.join(paths.skills, dir, file), content);
	}
}

const prepare = (paths: WorkspacePaths) => {
	fs.writeFileSync(path.join(paths.group, 'MEMORY.md'), '# Family\n- Dad likes tea');
	fs.writeFileSync(path.join(paths.global, 'MEMORY.md'), '# Everyone\n- Timezone is Europe/Paris');
	writeSkill(paths, 'reminders', '---\nname: reminders\ndescription: Turn "remind me" into schedule_task calls\n---\n# Reminders\nUse schedule_task.', {
		'examples/cron.md': 'x',
		'notes.txt': 'y',
	});
	writeSkill(paths, 'debug', '---\nname: "debug"\ndescription: >\n  Read the logs\n  to diagnose a group\n---\nDebug body');
	writeSkill(paths, 'broken', 'no front matter here');
};

describe('system prompt', () => {
	it('carries the name, group, rules, both memories and the skill list (names and descriptions, not bodies)', async () => {
		const host = startFakeHost({isMain: false, prepare, replies: [{content: 'ok'}]});
		await host.turnDone('t1');
		const system = host.requests[0].messages[0];
		expect(system.role).toBe('system');
		expect(system.content).toContain('You are Baby');
		expect(system.content).toContain('"Family"');
		expect(system.content).toContain('<internal>');
		expect(system.content).toContain('- Dad likes tea');
		expect(system.content).toContain('- Timezone is Europe/Paris');
		expect(system.content).toContain('- debug: Read the logs to diagnose a group');
		expect(system.content).toContain('- reminders: Turn "remind me" into schedule_task calls');
		expect(system.content).not.toContain('broken');
		expect(system.content).not.toContain('Use schedule_task.');
		await host.stop();
	});

	it('is rebuilt every turn, so a memory edit applies to the next turn', async () => {
		const host = startFakeHost({prepare, replies: [{toolCalls: [call('edit_file', {path: 'MEMORY.md', old: 'tea', new: 'coffee'})]}, {content: 'noted'}, {content: 'ok'}]});
		await host.turnDone('t1');
		expect(host.requests[1].messages[0].content).toContain('Dad likes tea');
		host.send({type: 'turn', turnId: 't2', prompt: 'what does dad drink?'});
		await host.turnDone('t2');
		expect(host.requests[2].messages[0].content).toContain('Dad likes coffee');
		await host.stop();
	});

	it('adds a turn skill (body and arguments) for its turn only, never to the session', async () => {
		const host = startFakeHost({
			prepare,
			turn: {prompt: '/reminders tomorrow 9am', skills: [{name: 'reminders', args: 'tomorrow 9am', body: 'SKILL-BODY-MARKER'}]},
			replies: [{content: 'scheduled'}, {content: 'hello'}],
		});
		await host.turnDone('t1');
		expect(host.requests[0].messages[0].content).toContain('SKILL-BODY-MARKER');
		expect(host.requests[0].messages[0].content).toContain('Arguments: tomorrow 9am');
		host.send({type: 'turn', turnId: 't2', prompt: 'hi'});
		await host.turnDone('t2');
		expect(JSON.stringify(host.requests[1].messages)).not.toContain('SKILL-BODY-MARKER');
		await host.stop();
		expect(fs.readFileSync(path.join(host.paths.session, 'transcript.json'), 'utf8')).not.toContain('SKILL-BODY-MARKER');
	});

	it('load_skill returns the body and the files beside SKILL.md; an unknown name lists the known ones', async () => {
		const host = startFakeHost({prepare, replies: [{toolCalls: [call('load_skill', {name: 'reminders'})]}, {toolCalls: [call('load_skill', {name: 'nope'})]}, {content: 'ok'}]});
		await host.turnDone('t1');
		const loaded = host.requests[1].messages.at(-1)!.content;
		expect(loaded).toContain('# Reminders\nUse schedule_task.');
		expect(loaded).toContain('- examples/cron.md\n- notes.txt');
		expect(loaded).not.toContain('SKILL.md\n');
		expect(lastToolContent(host)).toBe('error: no skill named "nope"; available skills: debug, reminders');
		await host.stop();
	});
});

describe('parseFrontMatter', () => {
	it.each([
		['---\nname: a\ndescription: b\n---\nbody', {name: 'a', description: 'b'}, 'body'],
		['---\nname: "quoted"\ndescription: \'single\'\n---\n', {name: 'quoted', description: 'single'}, ''],
		['---\nname: x\ndescription: |\n  line one\n  line two\n---\nB', {name: 'x', description: 'line one\nline two'}, 'B'],
		['---\r\nname: crlf\r\n---\r\nbody', {name: 'crlf'}, 'body'],
		['---\ndescription: a: b: c\n---', {description: 'a: b: c'}, ''],
	])('parses %j', (text, fields, body) => {
		expect(parseFrontMatter(text)).toEqual({fields, body});
	});

	it.each([['no front matter'], ['---\nname: unclosed'], ['']])('returns undefined for %j', (text) => {
		expect(parseFrontMatter(text)).toBeUndefined();
	});
});
