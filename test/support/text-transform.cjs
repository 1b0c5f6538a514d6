// Jest transform: a template file becomes a module whose default export is its text,
// as esbuild's text loader makes it in the bundle.
module.exports = {
  process(source) {
    return { code: `module.exports = ${JSON.stringify(source)};` };
  },
};
