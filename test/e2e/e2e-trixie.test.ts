import { e2eSuite } from './suite.js';

// Debian trixie's docker.io (26.1), unpacked by scripts/fetch-engines.sh.
// One file per engine, so jest's workers run the engines side by side (see suite.ts).
e2eSuite('trixie');
