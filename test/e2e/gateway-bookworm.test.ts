import { gatewayBasics, gatewaySuite } from './gateway-suite.js';

// The gateway layout on Debian 12's docker.io (20.10), with its own docker CLI.
gatewaySuite('bookworm', gatewayBasics);
