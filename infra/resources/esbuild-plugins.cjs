// esbuild plugins for packaging (serverless.yml custom.esbuild.plugins; the bench builds with them too).
//
// zod-english-only: `import { z } from 'zod'` keeps the whole `z` namespace, and with it `z.locales`: every
// translation of zod's error messages, about 260 KB of the 620 KB remediate bundle, compiled at every cold start.
// remedy reports in English only (zod's default, which zod sets from locales/en.js itself), so the locales index
// is replaced by one that holds English alone. `z.locales.en` still works; any other locale is undefined.
const path = require('node:path');

const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]zod[\\/]/.test(args.importer)
        ? { path: path.resolve(args.resolveDir, '../locales/en.js'), namespace: 'zod-english-only' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: path.dirname(args.path),
    }));
  },
};

module.exports = [zodEnglishOnly];
