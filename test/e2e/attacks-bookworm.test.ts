import { describeAttacks } from './attack-suite.js';

// The attacks an ordinary user can make with a valid certificate, replayed on Debian 12's docker.io (20.10), the system's engine.
// One file per engine, so jest's workers can run the engines side by side.
describeAttacks('bookworm');
