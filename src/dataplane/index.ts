// The data plane's public surface: an enforcing gateway in front of Azurite, one egress proxy per source.
export { attachDataplane, LOGS_PATH, SOURCES_PATH } from "./armHooks.js";
export { Dataplane, type DataplaneOptions, parseUpstreams, type SourceInfo } from "./dataplane.js";
export { formatEntry, type LogQuery, queryEntries, readLogFile, type RequestLogEntry } from "./requestLog.js";
export type { DropMode } from "./responses.js";
export { DEFAULT_INTERNET_IP } from "./sources.js";
export { TunnelAgent, type TunnelAgentOptions } from "./tunnelAgent.js";
export { azuriteAccountsOf } from "./accounts.js";
