// One compiler for jest and webpack: TypeScript and JSX are stripped here; `npm run typecheck` checks types.
module.exports = (api) => {
  const forJest = api.env("test");
  return {
    presets: [
      ["@babel/preset-env", forJest ? { targets: { node: "current" } } : { targets: "defaults and supports es6-module", modules: false }],
      ["@babel/preset-react"],
      ["@babel/preset-typescript", { allowDeclareFields: true, onlyRemoveTypeImports: false }],
    ],
  };
};
