// Unit and integration tests. Fault tests (slow, kill processes) live in jest.faults.config.js.
const shared = {
  transform: { "\\.[jt]sx?$": "babel-jest" },
  // azure-devops-ui ships ES modules that import CSS.
  transformIgnorePatterns: ["node_modules/(?!(azure-devops-ui)/)"],
  moduleNameMapper: { "\\.(css|scss)$": "<rootDir>/test/support/styleStub.js" },
};

module.exports = {
  testTimeout: 30000,
  projects: [
    {
      ...shared,
      displayName: "node",
      testEnvironment: "node",
      testMatch: ["<rootDir>/test/{contract,endpoint,devhost,package}/**/*.test.ts"],
    },
    {
      ...shared,
      displayName: "hub",
      testEnvironment: "jsdom",
      testMatch: ["<rootDir>/test/hub/**/*.test.{ts,tsx}"],
      setupFilesAfterEnv: ["<rootDir>/test/hub/setup.ts"],
      moduleNameMapper: {
        ...shared.moduleNameMapper,
        // The real SDK talks to a parent frame over postMessage; component tests use a fake host.
        "^azure-devops-extension-sdk$": "<rootDir>/test/hub/fakeSdk.ts",
      },
    },
  ],
};
