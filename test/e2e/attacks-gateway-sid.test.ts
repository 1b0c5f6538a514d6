import { describeAttacks } from './attack-suite.js';

// The same attacks, sent through `dockauth gateway` (with the plugin behind it) on Debian sid's docker.io (28.5).
describeAttacks('sid', 'gateway');
