import type {Key} from 'ink';
import {describe, expect, it} from 'vitest';
import {countdown, fit, formatDuration, runLimitState, windowStart} from '../../src/ui/format.js';
import {keysFromInput} from '../../src/ui/keys.js';
import {bindingFor, bindingIn, hintsFor, keymap, modalScopeIds, nextPane, paneIds} from '../../src/ui/keymap.js';
import {suggestFolder} from '../../src/ui/pane-actions.js';
import {editText} from '../../src/ui/text-edit.js';
import {run} from '../support/fake-host.js';

const noKey: Key = {
	upArrow: false,
	downArrow: false,
	leftArrow: false,
	rightArrow: false,
	pageDown: false,
	pageUp: false,
	home: false,
	end: false,
	return: false,
	escape: false,
	ctrl: false,
	shift: false,
	tab: false,
	backspace: false,
	delete: false,
	meta: false,
	super: false,
	hyper: false,
	capsLock: false,
	numLock: false,
};

describe('keysFromInput', () => {
	it.each<[string, Partial<Key>, string[]]>([
		['j', {}, ['j']],
		['jjj', {}, ['j', 'j', 'j']],
		['2Gx', {}, ['2', 'G', 'x']],
		['hi\r', {}, ['h', 'i', 'enter']],
		[' ', {}, ['space']],
		['', {return: true}, ['enter']],
		['', {escape: true}, ['escape']],
		['', {tab: true}, ['tab']],
		['', {tab: true, shift: true}, ['shift-tab']],
		['', {upArrow: true}, ['up']],
		['', {pageDown: true}, ['pagedown']],
		['', {backspace: true}, ['backspace']],
		['c', {ctrl: true}, ['ctrl-c']],
		['2', {meta: true}, ['escape', '2']],
		['', {}, []],
	])('%j %j → %j', (input, key, expected) => {
		expect(keysFromInput(input, {...noKey, ...key})).toEqual(expected);
	});
});

describe('keymap', () => {
	it('has no key bound twice in one scope, the modal scopes included', () => {
		for (const scope of ['global', ...paneIds, ...modalScopeIds]) {
			const keys = keymap.filter((binding) => binding.scope === scope).flatMap((binding) => binding.keys);
			expect(new Set(keys).size, scope).toBe(keys.length);
		}
	});

	it.each([
		['j', 'groups', 'cursor.down'],
		['x', 'containers', 'run.kill'],
		['x', 'groups', undefined],
		['t', 'tasks', 'task.runNow'],
		['t', 'skills', 'skill.trigger'],
		['d', 'tasks', 'task.delete'],
		['d', 'groups', 'group.unregister'],
		['space', 'tasks', 'task.toggle'],
		['f', 'logs', 'logs.follow'],
		['a', 'access', 'access.approve'],
		['r', 'access', 'access.reject'],
		['q', 'skills', 'quit'],
		['4', 'logs', 'pane.tasks'],
	] as const)('%s in %s → %s', (key, pane, action) => {
		expect(bindingFor(key, pane)?.action).toBe(action);
	});

	it.each([
		['y', ['confirm'], 'confirm.yes'],
		['ctrl-c', ['confirm'], 'confirm.no'],
		['w', ['approve', 'choice', 'modal'], 'approve.rw'],
		['g', ['approveHost', 'choice', 'modal'], 'approveHost.group'],
		['a', ['approveHost', 'choice', 'modal'], 'approveHost.all'],
		['r', ['approveHost', 'choice', 'modal'], undefined],
		['escape', ['register', 'choice', 'modal'], 'choice.cancel'],
		['ctrl-c', ['text', 'modal'], 'quit'],
		['q', ['text', 'modal'], undefined],
		['q', ['overlay', 'modal'], 'overlay.close'],
	] as const)('%s in %j → %s', (key, scopes, action) => {
		expect(bindingIn(key, scopes)?.action).toBe(action);
	});

	it('lists the pane hints before the global ones', () => {
		const hints = hintsFor('containers').map((binding) => binding.hint);
		expect(hints[0]).toBe('kill');
		expect(hints).toContain('help');
		expect(hints).toContain('quit');
	});

	it.each([
		['groups', 1, 'containers'],
		['skills', 1, 'groups'],
		['groups', -1, 'skills'],
	] as const)('nextPane(%s, %d) = %s', (pane, step, expected) => {
		expect(nextPane(pane, step)).toBe(expected);
	});
});

describe('format', () => {
	it.each([
		[0, '0s'],
		[45_000, '45s'],
		[185_000, '3m05s'],
		[7_620_000, '2h07m'],
		[3 * 86_400_000 + 4 * 3_600_000, '3d04h'],
	])('formatDuration(%d) = %s', (ms, text) => {
		expect(formatDuration(ms)).toBe(text);
	});

	it.each([
		[null, '-'],
		['2026-01-01T00:01:00Z', 'in 1m00s'],
		['2025-12-31T00:00:00Z', 'due'],
	])('countdown(%s) = %s', (iso, text) => {
		expect(countdown(iso, Date.parse('2026-01-01T00:00:00Z'))).toBe(text);
	});

	it.each([
		['abc', 5, 'abc  '],
		['abcdef', 4, 'abc…'],
		['a\nb', 3, 'a b'],
		['x', 0, ''],
	])('fit(%j, %d) = %j', (text, width, expected) => {
		expect(fit(text, width)).toBe(expected);
	});

	const now = Date.parse('2026-01-01T12:00:00Z');
	const limits = {idleTimeoutMs: 30 * 60_000, hardTimeoutMs: 60 * 60_000};
	it.each([
		['fresh', {startedAt: '2026-01-01T11:59:00Z', lastOutputAt: '2026-01-01T11:59:30Z'}, 'ok'],
		['quiet past idle', {startedAt: '2026-01-01T11:20:00Z', lastOutputAt: '2026-01-01T11:25:00Z'}, 'idle-limit'],
		['never spoke, past idle', {startedAt: '2026-01-01T11:20:00Z', lastOutputAt: null}, 'idle-limit'],
		['past hard', {startedAt: '2026-01-01T10:00:00Z', lastOutputAt: '2026-01-01T11:59:00Z'}, 'hard-limit'],
		['turn past hard', {startedAt: '2026-01-01T09:00:00Z', turnStartedAt: '2026-01-01T10:50:00Z', lastOutputAt: '2026-01-01T11:59:00Z'}, 'hard-limit'],
		['warm run started long ago, its turn fresh', {startedAt: '2026-01-01T08:00:00Z', turnStartedAt: '2026-01-01T11:50:00Z', lastOutputAt: '2026-01-01T11:59:00Z'}, 'ok'],
		['warm run started long ago, waiting', {startedAt: '2026-01-01T08:00:00Z', turnStartedAt: null, lastOutputAt: '2026-01-01T11:58:00Z'}, 'ok'],
		['ended long ago', {startedAt: '2026-01-01T08:00:00Z', state: 'ended' as const}, 'ok'],
	])('runLimitState: %s', (_name, overrides, expected) => {
		expect(runLimitState(run(overrides), limits, now)).toBe(expected);
	});

	it.each([
		[0, 10, 5, 0, 0],
		[7, 10, 5, 0, 3],
		[2, 10, 5, 3, 2],
		[4, 10, 5, 3, 3],
		[9, 3, 5, 0, 0],
	])('windowStart(cursor %d, total %d, height %d, previous %d) = %d', (cursor, total, height, previous, expected) => {
		expect(windowStart(cursor, total, height, previous)).toBe(expected);
	});
});

describe('text fields', () => {
	it.each([
		['ab', 'c', {kind: 'edit', value: 'abc'}],
		['ab', 'space', {kind: 'edit', value: 'ab '}],
		['ab', 'backspace', {kind: 'edit', value: 'a'}],
		['ab', 'enter', {kind: 'submit', value: 'ab'}],
		['ab', 'escape', {kind: 'cancel'}],
		['ab', 'up', {kind: 'ignored'}],
	])('editText(%j, %s)', (value, key, expected) => {
		expect(editText(value, key)).toEqual(expected);
	});

	it.each([
		['Family Chat!', 'family-chat'],
		['  Work  ', 'work'],
		['!!!', 'group'],
		['a'.repeat(80), 'a'.repeat(64)],
	])('suggestFolder(%j) = %s', (name, folder) => {
		expect(suggestFolder(name)).toBe(folder);
	});
});
