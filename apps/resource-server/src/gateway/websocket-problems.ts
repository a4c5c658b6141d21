import { Problem } from '#errors';

/** An upgrade on a route without `websocket: true`: never proxied. */
export class WebSocketNotAllowedProblem extends Problem {
  constructor() {
    super(400, 'WebSocket not allowed', 'this route does not accept WebSocket upgrades', [], 'websocket-not-allowed');
  }
}

/** An Upgrade to another protocol (h2c…): only WebSocket is proxied. */
export class NotWebSocketProblem extends Problem {
  constructor() {
    super(400, 'Upgrade not supported', 'only WebSocket upgrades are proxied', [], 'upgrade-not-supported');
  }
}
