import fs from 'node:fs';
import path from 'node:path';
import {beforeEach, describe, expect, it} from 'vitest';
import {MountAllowlist, type WatchFactory} from '../../src/mounts/allowlist.js';
import {mountFixture, type MountFixture} from './fixture.js';

let fx: MountFixture;
beforeEach(() => {
	fx = mountFixture();
});

const realOf = (fxPath: string) => fs.realpathSync(path.join(fx.userHome, fxPath));

describe('MountAllowlist writes', () => {
	it('creates a missing file with the new root', () => {
		const allowlist = new MountAllowlist({file: fx.allowlistFile, homeDir: fx.userHome});
		expect(allowlist.current()).toMatchObject({ok: false, missing: true});
		allowlist.addAllowedRoot('~/projects', true);
		expect(allowlist.current()).toEqual({
			ok: true,
			allowlist: {allowedRoots: [{path: realOf('projects'), allowReadWrite: true}], blockedPatterns: [], nonMainReadOnly: true},
		});
	});

	it('keeps unknown keys, key order and indentation, and adds nothing twice', () => {
		const original = {
			comment: 'mine',
			nonMainReadOnly: false,
			allowedRoots: [{description: 'notes', path: '~/projects', allowReadWrite: false, color: 'blue'}],
			blockedPatterns: ['password'],
			extra: {nested: [1, 2]},
		};
		fx.writeAllowlist(JSON.stringify(original, null, 4));
		const allowlist = new MountAllowlist({file: fx.allowlistFile, homeDir: fx.userHome});
		expect(allowlist.addAllowedRoot('~/rwroot/code', false)).toEqual({added: true});
		expect(allowlist.addAllowedRoot(path.join(fx.userHome, 'projects'), true)).toEqual({added: false});
		const text = fs.readFileSync(fx.allowlistFile, 'utf8');
		expect(text).toBe(
			JSON.stringify(
				{
					...original,
					allowedRoots: [
						{description: 'notes', path: '~/projects', allowReadWrite: true, color: 'blue'},
						{path: realOf('rwroot/code'), allowReadWrite: false},
					],
				},
				null,
				4,
			) + '\n',
		);
		expect(fs.readdirSync(path.dirname(fx.allowlistFile))).toEqual([path.basename(fx.allowlistFile)]);
	});

	it('removes a root given in another form (~ or absolute, through a symlink)', () => {
		fx.writeAllowlist({allowedRoots: [{path: '~/projects'}, {path: '~/rwroot', allowReadWrite: true}], keep: true});
		const allowlist = new MountAllowlist({file: fx.allowlistFile, homeDir: fx.userHome});
		expect(allowlist.removeAllowedRoot(path.join(fx.userHome, 'linked-root'))).toEqual({removed: 1});
		const saved = JSON.parse(fs.readFileSync(fx.allowlistFile, 'utf8'));
		expect(saved).toEqual({allowedRoots: [{path: '~/rwroot', allowReadWrite: true}], keep: true});
		expect(() => allowlist.removeAllowedRoot('~/projects')).toThrow(/is not an allowed root/);
	});

	it('never overwrites a malformed file', () => {
		const broken = '{"allowedRoots": [}';
		fx.writeAllowlist(broken);
		const allowlist = new MountAllowlist({file: fx.allowlistFile, homeDir: fx.userHome});
		expect(() => allowlist.addAllowedRoot('~/projects', false)).toThrow(/not valid JSON.*nothing was written/);
		expect(() => allowlist.removeAllowedRoot('~/projects')).toThrow(/nothing was written/);
		expect(fs.readFileSync(fx.allowlistFile, 'utf8')).toBe(broken);
	});
});

describe('MountAllowlist watching', () => {
	it('re-reads the file when the injected watcher reports it, and ignores other files', () => {
		let fire: ((filename: string | null) => void) | undefined;
		let watchedDir = '';
		let closed = false;
		const watch: WatchFactory = (dir, onEvent) => {
			watchedDir = dir;
			fire = onEvent;
			return {close: () => void (closed = true)};
		};
		const allowlist = new MountAllowlist({file: fx.allowlistFile, homeDir: fx.userHome, watch});
		const seen: boolean[] = [];
		allowlist.onChange((result) => seen.push(result.ok));
		allowlist.startWatching();
		expect(watchedDir).toBe(path.dirname(fx.allowlistFile));

		fx.writeAllowlist({allowedRoots: [{path: '~/projects'}]});
		fire!('other.json');
		expect(allowlist.current().ok).toBe(false);
		fire!(path.basename(fx.allowlistFile));
		expect(allowlist.current()).toMatchObject({ok: true, allowlist: {allowedRoots: [{path: '~/projects'}]}});

		fx.writeAllowlist('{oops');
		fire!(null);
		expect(allowlist.current()).toMatchObject({ok: false});
		expect(seen).toEqual([true, false]);
		allowlist.close();
		expect(closed).toBe(true);
	});

	it('sees an edit through the real fs.watch', async () => {
		const allowlist = new MountAllowlist({file: fx.allowlistFile, homeDir: fx.userHome});
		allowlist.startWatching();
		try {
			const reloaded = new Promise<void>((resolve) => {
				allowlist.onChange((result) => {
					if (result.ok) resolve();
				});
			});
			fx.writeAllowlist({allowedRoots: [{path: '~/rwroot', allowReadWrite: true}]});
			await reloaded;
			expect(allowlist.current()).toMatchObject({ok: true, allowlist: {allowedRoots: [{path: '~/rwroot', allowReadWrite: true}]}});
		} finally {
			allowlist.close();
		}
	});
});
