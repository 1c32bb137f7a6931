// azure-devops-extension-api loads a browser fetch polyfill that reads `self`; Node 20 has fetch but no `self`.
(globalThis as { self?: unknown }).self ??= globalThis;
export {};
