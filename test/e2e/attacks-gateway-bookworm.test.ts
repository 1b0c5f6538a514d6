import { describeAttacks } from './attack-suite.js';

// The same attacks, sent through `dockauth gateway` (with the plugin behind it) on Debian 12's docker.io (20.10).
describeAttacks('bookworm', 'gateway');
