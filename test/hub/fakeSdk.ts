// Placeholder fake of azure-devops-extension-sdk for component tests; the hub issue extends it.
export async function init(): Promise<void> {}
export async function ready(): Promise<void> {}
export async function notifyLoadSucceeded(): Promise<void> {}
export async function notifyLoadFailed(): Promise<void> {}
