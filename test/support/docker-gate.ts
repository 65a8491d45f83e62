// Which real container runtimes the container suites run on: Docker, Podman and gVisor (runsc on
// an engine), each when its engine answers and holds the current agent image. The same test files
// run once per runtime (describeWithRuntimes). Environment:
//   BABYBOT_TEST_RUNTIMES=docker,podman   only these (default: all three)
//   BABYBOT_REQUIRE_RUNTIMES=docker,gvisor a listed runtime that is missing fails instead of skipping
//   BABYBOT_REQUIRE_DOCKER=1               the same for docker (CI sets both)
import {describe, it} from 'vitest';
import {checkTestRuntime, testRuntime, testRuntimeNames, type RuntimeStatus, type TestRuntime, type TestRuntimeName} from './runtimes.js';

export {testRuntimeNames, type RuntimeStatus, type TestRuntime, type TestRuntimeName} from './runtimes.js';

/** The agent image the container suites use: CONTAINER_IMAGE when set (a second checkout builds its own), else the default. */
export const testImage = process.env.CONTAINER_IMAGE?.trim() || 'babybot-agent:latest';

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

const statuses = new Map<TestRuntimeName, Promise<RuntimeStatus>>();

/** Whether `name` can be tested here (asked once per test file). */
export function runtimeStatus(name: TestRuntimeName): Promise<RuntimeStatus> {
	if (!statuses.has(name)) statuses.set(name, checkTestRuntime(name, testImage));
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
			describe.skip(title, () => body(testRuntime(runtimeName)));
		}
	}
}

/** `describe` for tests that need real Docker itself (a second dockerd): describeWithRuntimes on docker only. */
export function describeWithDocker(name: string, body: () => void): Promise<void> {
	return describeWithRuntimes(name, () => body(), {runtimes: ['docker']});
}
