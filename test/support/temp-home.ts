import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach} from 'vitest';

const made: string[] = [];

/** A fresh temp BABYBOT_HOME and allowlist path, removed after the test. Never the real home. */
export function tempHome(prefix = 'babybot-test-'): {home: string; allowlist: string; root: string} {
	const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
	// Traversable (not listable) like a home folder, so a root host's none-runtime agent (uid 1000) reaches its group.
	fs.chmodSync(root, 0o711);
	made.push(root);
	const home = path.join(root, 'home');
	fs.mkdirSync(home, {recursive: true});
	return {home, allowlist: path.join(root, 'config', 'mount-allowlist.json'), root};
}

afterEach(() => {
	for (const dir of made.splice(0)) fs.rmSync(dir, {recursive: true, force: true});
});
