import path from 'node:path';
import type {WorkspacePaths} from '../../container/agent-runner/src/protocol.js';
import {ipcKinds} from '../ipc/ipc-layout.js';
import type {MountPlanEntry} from './runtime.js';

export interface MountPlanInput {
	isMain: boolean;
	groupDir: string;
	globalDir: string;
	/** The group's `ipc/<folder>` (never mounted itself: its request folders are, and acks/ read-only). */
	ipcDir: string;
	sessionDir: string;
	skillsDir: string;
	projectRoot: string;
	/** Extra mounts already validated against the allowlist: name → host path and mode. */
	extra: Array<{name: string; hostPath: string; readonly: boolean}>;
}

/** The sandbox's mounts (the workspace contract in docs/ARCHITECTURE.md). Pure. */
export function buildMountPlan(input: MountPlanInput): MountPlanEntry[] {
	const plan: MountPlanEntry[] = [
		{hostPath: input.groupDir, containerPath: '/workspace/group', readonly: false},
		{hostPath: input.globalDir, containerPath: '/workspace/global', readonly: !input.isMain},
		...ipcKinds.map((kind) => ({hostPath: path.join(input.ipcDir, kind), containerPath: `/workspace/ipc/${kind}`, readonly: false})),
		{hostPath: path.join(input.ipcDir, 'acks'), containerPath: '/workspace/ipc/acks', readonly: true},
		{hostPath: input.sessionDir, containerPath: '/workspace/session', readonly: false},
		{hostPath: input.skillsDir, containerPath: '/workspace/skills', readonly: true},
	];
	if (input.isMain) plan.push({hostPath: input.projectRoot, containerPath: '/workspace/project', readonly: true});
	for (const mount of input.extra) {
		plan.push({hostPath: mount.hostPath, containerPath: `/workspace/extra/${mount.name}`, readonly: mount.readonly});
	}
	return plan;
}

/** The paths the agent sees: container paths inside a sandbox, host paths without one. */
export function workspacePathsFor(plan: MountPlanEntry[], side: 'container' | 'host'): WorkspacePaths {
	const pick = (containerPath: string) => {
		const entry = plan.find((m) => m.containerPath === containerPath);
		return entry ? (side === 'container' ? entry.containerPath : entry.hostPath) : undefined;
	};
	const extra: Record<string, string> = {};
	for (const entry of plan) {
		if (entry.containerPath.startsWith('/workspace/extra/')) {
			extra[path.posix.basename(entry.containerPath)] = side === 'container' ? entry.containerPath : entry.hostPath;
		}
	}
	const messages = pick('/workspace/ipc/messages');
	return {
		group: pick('/workspace/group')!,
		global: pick('/workspace/global')!,
		ipc: side === 'container' ? '/workspace/ipc' : (messages && path.dirname(messages))!,
		session: pick('/workspace/session')!,
		skills: pick('/workspace/skills')!,
		project: pick('/workspace/project'),
		extra,
		readOnly: plan.filter((m) => m.readonly).map((m) => (side === 'container' ? m.containerPath : m.hostPath)),
	};
}
