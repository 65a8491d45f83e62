import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {skillCatalogueFile, splitFrontMatter} from '../../container/agent-runner/src/skills.js';
import type {WorkspacePaths} from '../../container/agent-runner/src/protocol.js';
import {loadSkills} from '../../src/skills/skill-loader.js';
import {syncSkills} from '../../src/skills/skill-sync.js';
import {call, lastToolContent, startFakeHost} from './fake-host.js';

/** Skills as the host makes them: written to a source folder, then parsed and synced into the workspace. */
function installSkills(paths: WorkspacePaths, skills: Record<string, {text: string; files?: Record<string, string>}>) {
	const source = path.join(path.dirname(paths.skills), 'skill-source');
	for (const [dir, {text, files = {}}] of Object.entries(skills)) {
		for (const [file, content] of Object.entries({'SKILL.md': text, ...files})) {
			fs.mkdirSync(path.dirname(path.join(source, dir, file)), {recursive: true});
			fs.writeFileSync(path.join(source, dir, file), content);
		}
	}
	syncSkills(loadSkills({builtinDir: source, userDir: path.join(source, '.none')}), paths.skills);
}

const prepare = (paths: WorkspacePaths) => {
	fs.writeFileSync(path.join(paths.group, 'MEMORY.md'), '# Family\n- Dad likes tea');
	fs.writeFileSync(path.join(paths.global, 'MEMORY.md'), '# Everyone\n- Timezone is Europe/Paris');
	installSkills(paths, {
		reminders: {
			text: '---\nname: reminders\ndescription: Turn "remind me" into schedule_task calls\n---\n# Reminders\nUse schedule_task.',
			files: {'examples/cron.md': 'x', 'notes.txt': 'y'},
		},
		// YAML the old hand-written parser got wrong: a comment, a folded block, quoted escapes.
		debug: {text: '---\n# maintained by ops\nname: debug # the folder name too\ndescription: "Read the logs\\tto diagnose a \\"group\\""\n---\nDebug body'},
		broken: {text: 'no front matter here'},
	});
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
		expect(system.content).toContain('- debug: Read the logs\tto diagnose a "group"\n');
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

	it('adds a turn skill (body and arguments) to its turn\'s message only, never to the system prompt or the session', async () => {
		const host = startFakeHost({
			prepare,
			turn: {prompt: '/reminders tomorrow 9am', skills: [{name: 'reminders', args: 'tomorrow 9am', body: 'SKILL-BODY-MARKER'}]},
			replies: [{content: 'scheduled'}, {content: 'hello'}],
		});
		await host.turnDone('t1');
		expect(host.requests[0].messages[0].content).not.toContain('SKILL-BODY-MARKER');
		const user = host.requests[0].messages.at(-1)!;
		expect(user).toMatchObject({role: 'user', content: expect.stringMatching(/^\/reminders tomorrow 9am\n\n## Skill invoked for this message: reminders\nArguments: tomorrow 9am\n/)});
		expect(user.content).toContain('SKILL-BODY-MARKER');
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
		expect(loaded).toContain(`## Files beside SKILL.md (paths relative to ${path.join(host.paths.skills, 'reminders')})\n- examples/cron.md\n- notes.txt`);
		expect(fs.existsSync(path.join(host.paths.skills, 'reminders', 'examples/cron.md'))).toBe(true);
		expect(loaded).not.toContain('SKILL.md\n');
		expect(lastToolContent(host)).toBe('error: no skill named "nope"; available skills: debug, reminders');
		await host.stop();
	});
});

describe('skill catalogue', () => {
	it('lists no skills when the host wrote no catalogue, even with SKILL.md files present', async () => {
		const host = startFakeHost({
			prepare: (paths) => {
				fs.mkdirSync(path.join(paths.skills, 'stray'));
				fs.writeFileSync(path.join(paths.skills, 'stray', 'SKILL.md'), '---\nname: stray\ndescription: not synced\n---\nbody');
			},
			replies: [{toolCalls: [call('load_skill', {name: 'stray'})]}, {content: 'ok'}],
		});
		await host.turnDone('t1');
		expect(host.requests[0].messages[0].content).not.toContain('## Skills');
		expect(lastToolContent(host)).toBe('error: no skill named "stray"; available skills: none');
		await host.stop();
	});

	it('picks up a skill the host synced while the run is warm, at the next turn', async () => {
		const host = startFakeHost({prepare, replies: [{content: 'one'}, {content: 'two'}]});
		await host.turnDone('t1');
		expect(host.requests[0].messages[0].content).not.toContain('- fresh:');
		installSkills(host.paths, {fresh: {text: '---\nname: fresh\ndescription: Added later\n---\nFresh body'}});
		expect(JSON.parse(fs.readFileSync(path.join(host.paths.skills, skillCatalogueFile), 'utf8')).skills.map((s: {name: string}) => s.name)).toEqual(['debug', 'fresh', 'reminders']);
		host.send({type: 'turn', turnId: 't2', prompt: 'hi'});
		await host.turnDone('t2');
		expect(host.requests[1].messages[0].content).toContain('- fresh: Added later');
		await host.stop();
	});
});

describe('splitFrontMatter', () => {
	it.each([
		['---\nname: a\ndescription: b\n---\nbody', 'name: a\ndescription: b', 'body'],
		['\uFEFF---\r\nname: crlf\r\n---\r\n\r\nbody\r\n', 'name: crlf', 'body'],
		['---\n---\n', '', ''],
	])('splits %j', (text, frontMatter, body) => {
		expect(splitFrontMatter(text)).toEqual({ok: true, frontMatter, body});
	});

	it.each([
		['no front matter', 'missing'],
		['', 'missing'],
		['---\nname: unclosed', 'unclosed'],
	])('refuses %j as %s', (text, problem) => {
		expect(splitFrontMatter(text)).toEqual({ok: false, problem});
	});
});
