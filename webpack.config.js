const path = require("path");
const HtmlWebpackPlugin = require("html-webpack-plugin");

// Resolve the SDK to one file so the hub and azure-devops-extension-api share a single copy:
// two copies make every REST call wait forever for a handshake that never comes.
const sdkEntry = require.resolve("azure-devops-extension-sdk").replace(/SDK(\.min)?\.js$/, "esm/SDK.min.js");

module.exports = (_env, argv) => ({
  entry: { hub: "./src/hub/index.tsx" },
  output: { path: path.resolve(__dirname, "dist/hub"), filename: "[name].js", chunkFilename: "[name].js", clean: true },
  devtool: argv.mode === "production" ? false : "eval-source-map",
  resolve: {
    extensions: [".tsx", ".ts", ".js"],
    alias: { "azure-devops-extension-sdk$": sdkEntry },
  },
  module: {
    rules: [
      { test: /\.tsx?$/, exclude: /node_modules/, use: "babel-loader" },
      { test: /\.css$/, use: ["style-loader", "css-loader"] },
      { test: /\.(woff2?|eot|ttf|otf)$/, type: "asset/resource", generator: { filename: "fonts/[name][ext]" } },
      { test: /\.(png|svg)$/, type: "asset/resource" },
    ],
  },
  plugins: [new HtmlWebpackPlugin({ template: "./src/hub/hub.html", filename: "hub.html", inject: "body" })],
  // Two files: hub.js (SDK handshake, REST clients) and page.js (React, azure-devops-ui, the page), see src/hub/index.tsx.
  optimization: { splitChunks: false },
  performance: { hints: false },
});
