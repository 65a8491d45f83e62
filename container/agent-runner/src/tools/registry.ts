import type {StartMessage, SwarmSettings, ToolDefinition} from '../protocol.js';
import {toToolDefinition} from '../tool-args.js';
import {delegateTool} from './delegate-tool.js';
import {editFileTool, listFilesTool, readFileTool, writeFileTool} from './file-tools.js';
import {ipcTools} from './ipc-tools.js';
import {bashTool, loadSkillTool} from './other-tools.js';
import type {Tool} from './tool.js';
import {webFetchTool} from './web-tool.js';

const allTools: Tool[] = [bashTool, readFileTool, writeFileTool, editFileTool, listFilesTool, ...ipcTools, loadSkillTool, webFetchTool];

/** The tools offered to this run's group (main-only ones only to main; delegate while sub-agents are on). */
export function toolsFor(group: StartMessage['group'], swarm?: SwarmSettings): Map<string, Tool> {
	const tools = [...allTools, ...(swarm ? [delegateTool(swarm)] : [])];
	return new Map(tools.filter((tool) => !tool.mainOnly || group.isMain).map((tool) => [tool.name, tool]));
}

export function toolDefinitions(tools: Map<string, Tool>): ToolDefinition[] {
	return [...tools.values()].map((tool) => toToolDefinition(tool.name, tool.description, tool.params));
}
