import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type {Config} from '../config.js';
import {groupPaths, type HomePaths} from '../paths.js';
import {ensureGroupIpc} from '../ipc/ipc-layout.js';
import {buildMountPlan} from '../runtimes/mount-plan.js';
import type {SandboxSpec} from '../runtimes/runtime.js';
import type {RegisteredGroup} from '../api/types.js';

export interface HostPaths extends HomePaths {
	/** The skills as synced for sandboxes (mounted read-only at /workspace/skills). */
	syncedSkillsDir: string;
}

/** uid/gid of the image's non-root user: writable mounts must belong to it when the host is root. */
export const sandboxUid = 1000;

/** The chats whose messages a group answers: its registered chat and its local chat. */
export function chatsOfGroup(group: RegisteredGroup): string[] {
	const local = `local:${group.folder}`;
	return group.jid === local ? [local] : [group.jid, local];
}

/** A stable id of this install (this BABYBOT_HOME), used to label its containers. */
export function installLabelFor(home: string): string {
	return crypto.createHash('sha256').update(path.resolve(home)).digest('hex').slice(0, 12);
}

export function containerNameFor(folder: string, now = new Date()): string {
	const stamp = now.toISOString().replace(/[-:T.Z]/g, '').slice(0, 17);
	return `babybot-${folder.toLowerCase()}-${stamp}`;
}

/** The uid that owns what an agent writes: the sandbox user when the host is root, else the host user. */
export function agentUid(hostUid = process.getuid?.()): number | undefined {
	return hostUid === 0 ? sandboxUid : hostUid;
}

/**
 * Creates the group's directories (its IPC folders included) and hands the writable ones to the
 * agent's uid. Only the directories themselves: what is inside is the agent's and is never walked.
 */
export function ensureGroupDirs(paths: HostPaths, group: Pick<RegisteredGroup, 'folder' | 'isMain'>): ReturnType<typeof groupPaths> {
	const dirs = groupPaths(paths, group.folder);
	const uid = agentUid();
	for (const dir of [paths.globalDir, paths.syncedSkillsDir]) fs.mkdirSync(dir, {recursive: true});
	for (const dir of [dirs.group, dirs.session]) ownedDirectory(dir, uid);
	if (group.isMain) ownedDirectory(paths.globalDir, uid);
	ensureGroupIpc(paths.ipcDir, group.folder, {writerUid: uid});
	return dirs;
}

/** A real directory (a link in its place is an error: the host never follows one) owned by `uid`. */
function ownedDirectory(dir: string, uid: number | undefined): void {
	fs.mkdirSync(dir, {recursive: true, mode: 0o700});
	const stats = fs.lstatSync(dir);
	if (!stats.isDirectory()) throw new Error(`${dir} is not a directory (a symlink?): move it away and restart`);
	if (uid !== undefined && process.getuid?.() === 0 && stats.uid !== uid) fs.lchownSync(dir, uid, uid);
}

/**
 * Read-write extra mounts the sandbox user cannot write: with a root host the sandbox runs as
 * uid 1000, and a folder root owns stays read-only to it whatever the allowlist says.
 */
export function unwritableBySandbox(mounts: Array<{hostPath: string; readonly: boolean}>, hostUid = process.getuid?.()): string[] {
	if (hostUid !== 0) return [];
	return mounts
		.filter((mount) => !mount.readonly)
		.filter((mount) => {
			const stat = fs.statSync(mount.hostPath, {throwIfNoEntry: false});
			if (!stat) return false;
			return !(stat.uid === sandboxUid ? stat.mode & 0o200 : stat.gid === sandboxUid ? stat.mode & 0o020 : stat.mode & 0o002);
		})
		.map((mount) => mount.hostPath);
}

export interface BuildSandboxSpecInput {
	group: RegisteredGroup;
	config: Config;
	paths: HostPaths;
	installLabel: string;
	extraMounts: Array<{name: string; hostPath: string; readonly: boolean}>;
	now?: Date;
}

export function buildSandboxSpec(input: BuildSandboxSpecInput): SandboxSpec {
	const {group, config, paths} = input;
	const dirs = ensureGroupDirs(paths, group);
	const mounts = buildMountPlan({
		isMain: group.isMain,
		groupDir: dirs.group,
		globalDir: paths.globalDir,
		ipcDir: dirs.ipc,
		sessionDir: dirs.session,
		skillsDir: paths.syncedSkillsDir,
		projectRoot: config.projectRoot,
		extra: input.extraMounts,
	});
	const hiddenFiles = group.isMain && fs.existsSync(path.join(config.projectRoot, '.env')) ? ['/workspace/project/.env'] : [];
	return {
		runId: crypto.randomUUID(),
		groupFolder: group.folder,
		containerName: containerNameFor(group.folder, input.now),
		mounts,
		network: group.network,
		image: config.containerImage,
		installLabel: input.installLabel,
		hiddenFiles,
		limits: {memory: '1g', cpus: '1', pids: 256},
	};
}
