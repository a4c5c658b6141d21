import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyInstance, preHandlerHookHandler } from 'fastify';
import type { AuthenticatedAccess, AuthenticatedRequest, BearerTokenGuard } from '#resource-guard';

const FAST_LANE = 'portcullis:fast-lane';

interface LaneRoute {
  type: abstract new (...args: never[]) => object;
  key: string | symbol;
}

/** What the lanes need from the built app (bootstrap.ts): the guard and controller instances. */
export interface FastLaneHost {
  guard: BearerTokenGuard;
  controller(type: LaneRoute['type']): object | undefined;
}

/**
 * Answers a GET route protected by @RequireScopes from a Fastify preHandler, without Nest's
 * router pipeline (its guard, pipe and response promises are ~1/3 of a request's CPU), whenever
 * BearerTokenGuard admits the request without waiting: a token verified before, the same checks
 * (BearerTokenGuard.admitCached), the same @RequireScopes metadata. Anything else (a token not
 * cached yet, every refusal, the registry not loaded, a throwing handler) goes through Nest's
 * pipeline exactly as without the lane, where the guard decides again and errors are rendered.
 *
 * For handlers whose only parameter is @CurrentAccess and that return a plain value without side
 * effects (a handler the lane gave up on runs again in Nest); no interceptors, @HttpCode or
 * @Header. The route's hooks (request id, context, logs, metrics) run as for any route.
 */
export function FastLane(): MethodDecorator {
  return (target, key, descriptor) => {
    const route: LaneRoute = { type: target.constructor as LaneRoute['type'], key };
    RouteConfig({ [FAST_LANE]: route })(target, key, descriptor);
  };
}

/** Before Nest registers its routes: adds the lane's preHandler to every @FastLane GET route. */
export function installFastLanes(fastify: FastifyInstance): { resolve(host: FastLaneHost): void } {
  let host: FastLaneHost | undefined;
  fastify.addHook('onRoute', (options) => {
    const route = (options.config as Record<string, unknown> | undefined)?.[FAST_LANE] as LaneRoute | undefined;
    if (route === undefined || options.method !== 'GET') return;
    const lane = laneFor(route, () => host);
    options.preHandler = [...hooksOf(options.preHandler), lane];
  });
  return { resolve: (built) => void (host = built) };
}

function laneFor(route: LaneRoute, host: () => FastLaneHost | undefined): preHandlerHookHandler {
  const handler = route.type.prototype[route.key as keyof object] as (access: AuthenticatedAccess) => unknown;
  let instance: object | undefined;
  return function fastLane(request, reply, done) {
    const built = host();
    instance ??= built?.controller(route.type);
    if (built === undefined || instance === undefined) return done();
    const answer = (): void => {
      let body: unknown;
      try {
        body = handler.call(instance, (request as AuthenticatedRequest).access!);
      } catch {
        return done();
      }
      void reply.send(body);
    };
    const admitted = built.guard.admitCached(request as AuthenticatedRequest, route.type, handler);
    if (admitted === true) return answer();
    if (admitted === false) return done();
    // A DPoP-bound token waits for its proof's signature check, then takes the lane all the same.
    admitted.then((bound) => (bound ? answer() : done()), () => done());
  };
}

function hooksOf(hooks: unknown): preHandlerHookHandler[] {
  if (hooks === undefined) return [];
  return (Array.isArray(hooks) ? hooks : [hooks]) as preHandlerHookHandler[];
}
