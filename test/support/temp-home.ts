import fs from 'node:fs';
import path from 'node:path';
import {afterEach} from 'vitest';
import {traversableTempDir} from './traversable-dir.js';

const made: string[] = [];

/** A fresh temp BABYBOT_HOME and allowlist path, removed after the test. Never the real home. */
export function tempHome(prefix = 'babybot-test-'): {home: string; allowlist: string; root: string} {
	const root = traversableTempDir(prefix);
	made.push(root);
	const home = path.join(root, 'home');
	fs.mkdirSync(home, {recursive: true});
	return {home, allowlist: path.join(root, 'config', 'mount-allowlist.json'), root};
}

afterEach(() => {
	for (const dir of made.splice(0)) fs.rmSync(dir, {recursive: true, force: true});
});
