// Whether the Docker suite can run here: an engine that answers and a current agent image.
// With BABYBOT_REQUIRE_DOCKER=1 (CI) a missing engine or image fails the suite instead of skipping it.
import {execFileSync} from 'node:child_process';
import {describe, it} from 'vitest';
import {loadConfig} from '../../src/config.js';
import {imageStaleness} from '../../src/image/image-staleness.js';

/** The agent image the container suites use: CONTAINER_IMAGE when set (a second checkout builds its own), else the default. */
export const testImage = process.env.CONTAINER_IMAGE?.trim() || 'babybot-agent:latest';

export type DockerStatus = {ok: true} | {ok: false; reason: string};

let status: Promise<DockerStatus> | undefined;

async function probe(): Promise<DockerStatus> {
	try {
		execFileSync('docker', ['info', '--format', '{{json .ID}}'], {stdio: 'pipe', timeout: 15_000});
	} catch {
		return {ok: false, reason: 'no Docker engine answers (`docker info` failed): start dockerd, or run .ci/setup-docker.sh as root'};
	}
	const config = loadConfig({env: {BABYBOT_HOME: '/nonexistent-babybot-home', CONTAINER_IMAGE: testImage}});
	const stale = await imageStaleness(config, {runtime: 'docker'});
	if (stale) return {ok: false, reason: `${stale} (or run .ci/build-image.sh)`};
	return {ok: true};
}

export function dockerStatus(): Promise<DockerStatus> {
	status ??= probe();
	return status;
}

/**
 * `describe` for tests that need real Docker: runs them when Docker is ready, fails when it is
 * required (BABYBOT_REQUIRE_DOCKER=1) but absent, and otherwise skips them, saying so on stderr.
 */
export async function describeWithDocker(name: string, body: () => void): Promise<void> {
	const docker = await dockerStatus();
	if (docker.ok) {
		describe(name, body);
		return;
	}
	if (process.env.BABYBOT_REQUIRE_DOCKER === '1') {
		describe(name, () => {
			it('needs a Docker engine and the agent image (BABYBOT_REQUIRE_DOCKER=1)', () => {
				throw new Error(docker.reason);
			});
		});
		return;
	}
	process.stderr.write(`\nSKIPPED the Docker tests "${name}": ${docker.reason}\n`);
	describe.skip(name, body);
}
