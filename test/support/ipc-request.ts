// Writes an IPC request the way the agent does (temp file, then rename) and waits for the host's ack.
import fs from 'node:fs';
import path from 'node:path';
import {homePaths} from '../../src/paths.js';
import {waitFor} from './cli.js';

export type IpcAck = {ok: boolean; result?: unknown; error?: string};

export function requestIpc(home: string, folder: string, kind: 'messages' | 'tasks' | 'requests', name: string, data: unknown): Promise<IpcAck> {
	const {ipcDir} = homePaths(home);
	const dir = path.join(ipcDir, folder, kind);
	fs.mkdirSync(dir, {recursive: true});
	fs.writeFileSync(path.join(dir, `.tmp-${name}`), JSON.stringify(data));
	fs.renameSync(path.join(dir, `.tmp-${name}`), path.join(dir, name));
	const ackFile = path.join(ipcDir, folder, 'acks', name);
	return waitFor(`the ack of ${folder}/${kind}/${name}`, () => fs.existsSync(ackFile) && (JSON.parse(fs.readFileSync(ackFile, 'utf8')) as IpcAck));
}
