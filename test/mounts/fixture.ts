import fs from 'node:fs';
import path from 'node:path';
import {tempHome} from '../support/temp-home.js';

export interface MountFixture {
	/** The fake user home (`~`). */
	userHome: string;
	/** A folder outside every allowed root. */
	elsewhere: string;
	allowlistFile: string;
	babybotHome: string;
	writeAllowlist(value: unknown): void;
}

/** A real tree with roots, secrets, symlinks in and out; call inside a test or beforeEach. */
export function mountFixture(): MountFixture {
	const {root, home, allowlist} = tempHome('babybot-mounts-');
	const userHome = path.join(root, 'user');
	const elsewhere = path.join(root, 'elsewhere');
	const dirs = [
		'projects/site',
		'projects/deep/a/b/.ssh/keys',
		'projects/my-password-vault',
		'projects/tokenizer',
		'projects/api_token',
		'projects/.env.local',
		'projects/prod.env',
		'projects/aws-credentials',
		'projects/.ssh-backup',
		'projects/.SSH',
		'projects/with:colon',
		'projects/my notes',
		'rwroot/code',
		'.ssh',
	];
	for (const dir of dirs) fs.mkdirSync(path.join(userHome, dir), {recursive: true});
	fs.mkdirSync(elsewhere, {recursive: true});
	fs.writeFileSync(path.join(userHome, 'projects/readme.txt'), 'hi');
	fs.symlinkSync(path.join(userHome, '.ssh'), path.join(userHome, 'projects/link-ssh'));
	fs.symlinkSync(elsewhere, path.join(userHome, 'projects/link-out'));
	fs.symlinkSync(path.join(userHome, 'projects/site'), path.join(userHome, 'projects/link-in'));
	fs.symlinkSync(path.join(userHome, 'projects'), path.join(userHome, 'linked-root'));
	const writeAllowlist = (value: unknown) => {
		fs.mkdirSync(path.dirname(allowlist), {recursive: true});
		fs.writeFileSync(allowlist, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
	};
	return {userHome, elsewhere, allowlistFile: allowlist, babybotHome: home, writeAllowlist};
}

export const standardAllowlist = {
	allowedRoots: [
		{path: '~/projects', allowReadWrite: false, description: 'code'},
		{path: '~/rwroot', allowReadWrite: true},
	],
	blockedPatterns: ['password', 'token'],
	nonMainReadOnly: true,
};
