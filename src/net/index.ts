export * from "./ipAddress.js";
export * from "./ipRange.js";
export * from "./lpmTable.js";
export * from "./prefix.js";
export * from "./prefixSet.js";
