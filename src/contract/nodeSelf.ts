// azure-devops-extension-api's entry points load a browser fetch polyfill that reads `self`;
// Node has fetch but no `self`. Imported before the API's modules (see src/devhost/core/contracts.ts, src/endpoint/reconcile/contracts.ts).
(globalThis as { self?: unknown }).self ??= globalThis;
export {};
