import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** The image label holding the hash of the agent-runner it was built from. */
export const agentRunnerHashLabel = 'babybot.agent-runner-hash';

export function agentRunnerBuildDir(projectRoot: string): string {
	return path.join(projectRoot, 'dist', 'container', 'agent-runner', 'src');
}

export function dockerfilePath(projectRoot: string): string {
	return path.join(projectRoot, 'container', 'Dockerfile');
}

/** The built agent-runner's .js files, relative and sorted (source maps stay out of the image). */
export function agentRunnerFiles(projectRoot: string): string[] {
	const root = agentRunnerBuildDir(projectRoot);
	if (!fs.existsSync(path.join(root, 'main.js'))) {
		throw new Error(`the agent-runner is not built (${path.join(root, 'main.js')} is missing): run \`npm run build\` first`);
	}
	const files: string[] = [];
	const walk = (dir: string) => {
		for (const entry of fs.readdirSync(dir, {withFileTypes: true})) {
			const full = path.join(dir, entry.name);
			if (entry.isDirectory()) walk(full);
			else if (entry.isFile() && entry.name.endsWith('.js')) files.push(path.relative(root, full));
		}
	};
	walk(root);
	return files.sort();
}

/** A short hash of the built agent-runner and the Dockerfile: what the image is labelled with. */
export function agentRunnerHash(projectRoot: string): string {
	const hash = crypto.createHash('sha256');
	const root = agentRunnerBuildDir(projectRoot);
	for (const file of agentRunnerFiles(projectRoot)) {
		hash.update(file.split(path.sep).join('/') + '\0');
		hash.update(fs.readFileSync(path.join(root, file)));
		hash.update('\0');
	}
	hash.update(fs.readFileSync(dockerfilePath(projectRoot)));
	return hash.digest('hex').slice(0, 16);
}

/**
 * A small build context: the Dockerfile and `agent-runner/` (the .js files and a package.json that
 * marks them as ES modules). Replaces `dir`. Returns the Dockerfile path inside it.
 */
export function stageBuildContext(projectRoot: string, dir: string): string {
	fs.rmSync(dir, {recursive: true, force: true});
	const appDir = path.join(dir, 'agent-runner');
	fs.mkdirSync(appDir, {recursive: true});
	const root = agentRunnerBuildDir(projectRoot);
	for (const file of agentRunnerFiles(projectRoot)) {
		const target = path.join(appDir, file);
		fs.mkdirSync(path.dirname(target), {recursive: true});
		fs.copyFileSync(path.join(root, file), target);
	}
	fs.writeFileSync(path.join(appDir, 'package.json'), JSON.stringify({name: 'babybot-agent-runner', private: true, type: 'module'}, null, '\t') + '\n');
	const dockerfile = path.join(dir, 'Dockerfile');
	fs.copyFileSync(dockerfilePath(projectRoot), dockerfile);
	return dockerfile;
}
