// The container runtimes the suites and the benchmark run on, and how to reach each engine directly.
import {loadConfig} from '../../src/config.js';
import {imageStaleness} from '../../src/image/image-staleness.js';
import {createRuntimeProbe} from '../../src/runtimes/detect.js';
import {sandboxUlimits} from '../../src/runtimes/oci-args.js';
import {podmanRunscFlags} from '../../src/runtimes/gvisor-args.js';
import type {OciEngine} from '../../src/api/types.js';

export type TestRuntimeName = 'docker' | 'podman' | 'gvisor';
export const testRuntimeNames: readonly TestRuntimeName[] = ['docker', 'podman', 'gvisor'];

/** A runtime under test, and how a test reaches its engine directly. */
export interface TestRuntime {
	name: TestRuntimeName;
	/** The CLI that lists and removes its containers. */
	engine: OciEngine;
	/** The argv of a bare container of this runtime up to its options (`docker run --runtime runsc`). */
	bareRun: string[];
}

const ulimitFlags = ['--ulimit', `nofile=${sandboxUlimits.nofile}:${sandboxUlimits.nofile}`, '--ulimit', `nproc=${sandboxUlimits.nproc}:${sandboxUlimits.nproc}`];

/** Podman needs explicit ulimits on machines that do not let a process raise its limits. */
export function testRuntime(name: TestRuntimeName, engine: OciEngine = name === 'podman' ? 'podman' : 'docker'): TestRuntime {
	if (name === 'gvisor') {
		return {name, engine, bareRun: engine === 'docker' ? ['docker', 'run', '--runtime', 'runsc'] : ['podman', ...podmanRunscFlags, 'run', ...ulimitFlags]};
	}
	return {name, engine, bareRun: name === 'podman' ? ['podman', 'run', ...ulimitFlags] : ['docker', 'run']};
}

export type RuntimeStatus = {ok: true; runtime: TestRuntime} | {ok: false; reason: string};

const probe = createRuntimeProbe();

/** Whether `name` answers here and holds the current agent `image`. */
export async function checkTestRuntime(name: TestRuntimeName, image: string): Promise<RuntimeStatus> {
	const answer = await probe(name);
	if (!answer.ok) return {ok: false, reason: `${name} does not answer (${answer.reason}): run .ci/setup-docker.sh and .ci/setup-runtimes.sh as root`};
	const runtime = testRuntime(name, answer.engine);
	const config = loadConfig({env: {BABYBOT_HOME: '/nonexistent-babybot-home', CONTAINER_IMAGE: image}});
	const stale = await imageStaleness(config, {runtime: name, engine: runtime.engine});
	if (stale) return {ok: false, reason: `${stale} in ${runtime.engine} (or run .ci/build-image.sh)`};
	return {ok: true, runtime};
}
