import { describeGatewayCompose } from './gateway-tests/compose.js';
import { describeGatewayEscapes } from './gateway-tests/escapes.js';
import { describeGatewayPrivacy } from './gateway-tests/privacy.js';
import { describeGatewayWork } from './gateway-tests/work.js';
import { gatewaySuite } from './gateway-suite.js';

// The gateway layout on Debian sid's docker.io (28.5), unpacked by scripts/fetch-engines.sh, with that engine's own docker CLI.
gatewaySuite('sid', (host, named) => {
  describeGatewayWork(host, named);
  describeGatewayPrivacy(host, named);
  describeGatewayCompose(host, named);
  describeGatewayEscapes(host, named);
});
