// The one list of the host's callable methods and the one of its events: the control socket serves
// each method by its name and forwards each event, and the attached client builds itself from them.
import type {HostActions, HostEventName} from './host-api.js';

export const hostActionNames = [
	'sendLocalMessage',
	'killRun',
	'killSubagent',
	'registerGroup',
	'unregisterGroup',
	'approveMount',
	'rejectMount',
	'allowMountRoot',
	'revokeMountRoot',
	'approveHost',
	'rejectHost',
	'pauseTask',
	'resumeTask',
	'runTaskNow',
	'deleteTask',
	'setTaskMisfire',
	'triggerSkill',
	'skillText',
	'memoryDetails',
	'restoreMemory',
	'runOutput',
	'startPairing',
	'stop',
] as const satisfies ReadonlyArray<keyof HostActions>;

export type HostActionName = (typeof hostActionNames)[number];

// A method of HostActions missing from the list above fails to compile here, naming it.
type Unlisted = Exclude<keyof HostActions, HostActionName>;
export const everyActionListed: [Unlisted] extends [never] ? true : Unlisted = true;

const known = new Set<string>(hostActionNames);

export function isHostActionName(name: unknown): name is HostActionName {
	return typeof name === 'string' && known.has(name);
}

export const hostEventNames = ['change', 'message', 'delta', 'reply', 'turn', 'notice', 'stopping'] as const satisfies ReadonlyArray<HostEventName>;

// An event of HostEventMap missing from the list above fails to compile here, naming it.
type UnlistedEvent = Exclude<HostEventName, (typeof hostEventNames)[number]>;
export const everyEventListed: [UnlistedEvent] extends [never] ? true : UnlistedEvent = true;
