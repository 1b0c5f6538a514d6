import { e2eSuite } from './suite.js';

// Debian sid's docker.io (28.5), unpacked by scripts/fetch-engines.sh.
// One file per engine, so jest's workers run the engines side by side (see suite.ts).
e2eSuite('sid');
