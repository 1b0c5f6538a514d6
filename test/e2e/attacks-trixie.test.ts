import { describeAttacks } from './attack-suite.js';

// The attacks an ordinary user can make with a valid certificate, replayed on Debian trixie's docker.io (26.1), unpacked by scripts/fetch-engines.sh.
// One file per engine, so jest's workers can run the engines side by side.
describeAttacks('trixie');
