'use strict';
// Build step (build.mjs): runs one command and saves the code cache the launcher loads.
require('./launcher.cjs').runCli({ writeCache: true });
