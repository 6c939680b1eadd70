export * from "./network.js";
export * from "./services.js";
