import fs from 'node:fs';
import path from 'node:path';
import {beforeEach, describe, expect, it} from 'vitest';
import type {SkillView} from '../../src/api/host-api.js';
import {loadSkills} from '../../src/skills/skill-loader.js';
import {planSkillTurn} from '../../src/skills/turn-plan.js';
import {tempHome} from '../support/temp-home.js';

let skills: SkillView[];

beforeEach(() => {
	const {root} = tempHome('babybot-turn-plan-');
	const dir = path.join(root, 'skills');
	const write = (folder: string, text: string) => {
		fs.mkdirSync(path.join(dir, folder), {recursive: true});
		fs.writeFileSync(path.join(dir, folder, 'SKILL.md'), text);
	};
	write('debug', '---\nname: debug\ndescription: find faults\n---\nRead the logs.\n');
	write('reminders', '---\nname: reminders\ndescription: schedule things\n---\nUse schedule_task.\n');
	write('broken', '---\nname: broken\n---\n');
	skills = loadSkills({builtinDir: dir, userDir: path.join(root, 'none')});
});

const msg = (content: string, isBotMessage = false) => ({content, isBotMessage});
const plan = (...messages: Array<{content: string; isBotMessage: boolean}>) => planSkillTurn({messages, skills, trigger: '@Baby', assistantName: 'Baby'});

describe('planSkillTurn', () => {
	it('answers /skills and /help without the model, broken skills marked', () => {
		const listed = plan(msg('@Baby /skills'));
		expect(listed).toEqual({reply: expect.stringContaining('/debug: find faults')});
		expect('reply' in listed && listed.reply).toMatch(/\/broken \(broken: .*description/);
		expect(plan(msg('/help'))).toEqual({reply: expect.stringContaining('/compact')});
	});

	it.each<[string, 'clear' | 'compact']>([
		['/clear', 'clear'],
		['@Baby /compact', 'compact'],
	])('turns %j into a session command', (text, command) => {
		expect(plan(msg(text))).toEqual({command});
	});

	it('loads invoked skills with their arguments and bodies, for this turn only', () => {
		expect(plan(msg('@Baby /debug why no reply?'), msg('answer', true), msg('and /reminders at 9'))).toEqual({
			skills: [
				{name: 'debug', args: 'why no reply?', body: 'Read the logs.'},
				{name: 'reminders', args: 'at 9', body: 'Use schedule_task.'},
			],
		});
		expect(plan(msg('plain text'))).toEqual({});
	});

	it('treats unknown, broken, URL and path tokens as plain text', () => {
		expect(plan(msg('/broken now'))).toEqual({});
		expect(plan(msg('/nothing here'))).toEqual({});
		expect(plan(msg('see https://x.org/debug and ./debug'))).toEqual({});
	});

	it('counts a command only when it is the only message, so nothing else is dropped', () => {
		expect(plan(msg('hello'), msg('/skills'))).toEqual({});
		expect(plan(msg('hello'), msg('/clear'))).toEqual({});
	});
});
