// Fault tests: kill processes, stop PostgreSQL, fill disks. Bounded in count and time, loopback only.
module.exports = {
  testEnvironment: "node",
  transform: { "\\.[jt]sx?$": "babel-jest" },
  testMatch: ["<rootDir>/test/faults/**/*.test.ts"],
  testTimeout: 180000,
  maxWorkers: 1,
};
