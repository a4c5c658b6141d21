import { Module } from '@nestjs/common';
import { AuthFailureThrottle } from './auth-failure-throttle.js';
import { AuthFailuresRepository } from './auth-failures.repository.js';
import { FailureKeysView } from './failure-keys-view.js';

@Module({ providers: [AuthFailuresRepository, FailureKeysView, AuthFailureThrottle], exports: [AuthFailureThrottle] })
export class RateLimitModule {}
