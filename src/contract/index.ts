export * from "./manifest";
export * from "./events";
export * from "./facts";
