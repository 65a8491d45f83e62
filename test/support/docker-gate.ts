// Which real container runtimes the container suites run on: Docker, Podman and gVisor (runsc on
// an engine), each when its engine answers and holds the current agent image. The same test files
// run once per runtime (describeWithRuntimes). Environment:
//   BABYBOT_TEST_RUNTIMES=docker,podman   only these (default: all three)
//   BABYBOT_REQUIRE_RUNTIMES=docker,gvisor a listed runtime that is missing fails instead of skipping
//   BABYBOT_REQUIRE_DOCKER=1               the same for docker (CI sets both)
import {describe, it} from 'vitest';
import {loadConfig} from '../../src/config.js';
import {imageStaleness} from '../../src/image/image-staleness.js';
import {createRuntimeProbe} from '../../src/runtimes/detect.js';
import {sandboxUlimits} from '../../src/runtimes/oci-args.js';
import {podmanRunscFlags} from '../../src/runtimes/gvisor-args.js';
import type {OciEngine} from '../../src/types.js';

/** The agent image the container suites use: CONTAINER_IMAGE when set (a second checkout builds its own), else the default. */
export const testImage = process.env.CONTAINER_IMAGE?.trim() || 'babybot-agent:latest';

export type TestRuntimeName = 'docker' | 'podman' | 'gvisor';
export const testRuntimeNames: readonly TestRuntimeName[] = ['docker', 'podman', 'gvisor'];

/** A runtime the suite runs on, and how a test reaches its engine directly. */
export interface TestRuntime {
	name: TestRuntimeName;
	/** The CLI that lists and removes its containers. */
	engine: OciEngine;
	/** `ENGINE …run`: the argv prefix of a bare container of this runtime (before `-d`, the name, the image). */
	bareRun: string[];
}

export type RuntimeStatus = {ok: true; runtime: TestRuntime} | {ok: false; reason: string};

const listed = (variable: string): string[] =>
	(process.env[variable] ?? '')
		.split(',')
		.map((name) => name.trim())
		.filter(Boolean);

function unknownNames(variable: string): string[] {
	return listed(variable).filter((name) => !testRuntimeNames.includes(name as TestRuntimeName));
}

/** The runtimes asked for (BABYBOT_TEST_RUNTIMES, default all) and those that must be present. */
export function runtimeSelection(): {wanted: TestRuntimeName[]; required: TestRuntimeName[]} {
	const bad = [...unknownNames('BABYBOT_TEST_RUNTIMES'), ...unknownNames('BABYBOT_REQUIRE_RUNTIMES')];
	if (bad.length > 0) throw new Error(`unknown runtime ${bad.join(', ')} in BABYBOT_TEST_RUNTIMES or BABYBOT_REQUIRE_RUNTIMES: use ${testRuntimeNames.join(', ')}`);
	const wanted = listed('BABYBOT_TEST_RUNTIMES') as TestRuntimeName[];
	const required = listed('BABYBOT_REQUIRE_RUNTIMES') as TestRuntimeName[];
	if (process.env.BABYBOT_REQUIRE_DOCKER === '1' && !required.includes('docker')) required.push('docker');
	return {wanted: wanted.length > 0 ? wanted : [...testRuntimeNames], required};
}

const ulimitFlags = ['--ulimit', `nofile=${sandboxUlimits.nofile}:${sandboxUlimits.nofile}`, '--ulimit', `nproc=${sandboxUlimits.nproc}:${sandboxUlimits.nproc}`];

function describeRuntime(name: TestRuntimeName, engine: OciEngine): TestRuntime {
	if (name === 'gvisor') {
		const bareRun = engine === 'docker' ? ['docker', 'run', '--runtime', 'runsc'] : ['podman', ...podmanRunscFlags, 'run', ...ulimitFlags];
		return {name, engine, bareRun};
	}
	return {name, engine, bareRun: name === 'podman' ? ['podman', 'run', ...ulimitFlags] : ['docker', 'run']};
}

const probe = createRuntimeProbe();
const statuses = new Map<TestRuntimeName, Promise<RuntimeStatus>>();

async function check(name: TestRuntimeName): Promise<RuntimeStatus> {
	const answer = await probe(name);
	if (!answer.ok) return {ok: false, reason: `${name} does not answer (${answer.reason}): run .ci/setup-docker.sh as root`};
	const runtime = describeRuntime(name, answer.engine ?? (name === 'podman' ? 'podman' : 'docker'));
	const config = loadConfig({env: {BABYBOT_HOME: '/nonexistent-babybot-home', CONTAINER_IMAGE: testImage}});
	const stale = await imageStaleness(config, {runtime: name, engine: runtime.engine});
	if (stale) return {ok: false, reason: `${stale} in ${runtime.engine} (or run .ci/build-image.sh)`};
	return {ok: true, runtime};
}

/** Whether `name` can be tested here (asked once per test file). */
export function runtimeStatus(name: TestRuntimeName): Promise<RuntimeStatus> {
	if (!statuses.has(name)) statuses.set(name, check(name));
	return statuses.get(name)!;
}

export interface DescribeWithRuntimesOptions {
	/** The runtimes this file runs on (default all three); the environment may narrow them. */
	runtimes?: readonly TestRuntimeName[];
}

/**
 * `describe(name [runtime])` once per runtime that is asked for and present. A missing runtime is
 * skipped, saying so on stderr, unless it is required (then its suite fails with the reason).
 */
export async function describeWithRuntimes(name: string, body: (runtime: TestRuntime) => void, options: DescribeWithRuntimesOptions = {}): Promise<void> {
	const {wanted, required} = runtimeSelection();
	for (const runtimeName of options.runtimes ?? testRuntimeNames) {
		if (!wanted.includes(runtimeName)) continue;
		const status = await runtimeStatus(runtimeName);
		const title = `${name} [${runtimeName}]`;
		if (status.ok) {
			describe(title, () => body(status.runtime));
		} else if (required.includes(runtimeName)) {
			describe(title, () => {
				it(`needs ${runtimeName} and the agent image in it (BABYBOT_REQUIRE_RUNTIMES / BABYBOT_REQUIRE_DOCKER)`, () => {
					throw new Error(status.reason);
				});
			});
		} else {
			process.stderr.write(`\nSKIPPED the container tests "${title}": ${status.reason}\n`);
			describe.skip(title, () => body(describeRuntime(runtimeName, runtimeName === 'podman' ? 'podman' : 'docker')));
		}
	}
}

/** `describe` for tests that need real Docker itself (a second dockerd): describeWithRuntimes on docker only. */
export function describeWithDocker(name: string, body: () => void): Promise<void> {
	return describeWithRuntimes(name, () => body(), {runtimes: ['docker']});
}
