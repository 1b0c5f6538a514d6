import { e2eSuite } from './suite.js';

// Debian 12's docker.io (20.10): the system's engine, from apt.
// One file per engine, so jest's workers run the engines side by side (see suite.ts).
e2eSuite('bookworm');
