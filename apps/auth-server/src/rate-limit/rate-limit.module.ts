import { Global, Module } from '@nestjs/common';
import { AuthFailureThrottle } from './auth-failure-throttle.js';
import { AuthFailuresRepository } from './auth-failures.repository.js';

@Global()
@Module({ providers: [AuthFailuresRepository, AuthFailureThrottle], exports: [AuthFailureThrottle] })
export class RateLimitModule {}
