import { describeAttacks } from './attack-suite.js';

// The same attacks, sent through `dockauth gateway` (with the plugin behind it) on Debian trixie's docker.io (26.1).
describeAttacks('trixie', 'gateway');
