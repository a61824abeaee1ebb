#!/usr/bin/env node
// The `tributary` command: a thin launcher so that `npx tributary` works from the repository after `npm run build`.
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const cli = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(cli)) {
  console.error('tributary: dist/cli.js is missing; run `npm ci && npm run build` in ' + path.dirname(__dirname));
  process.exit(2);
}
require(cli).run(process.argv.slice(2));
