import { Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { MetricsRegistry } from '#operability';
import { passwordHashingLoad } from '../users/password-hasher.js';

/**
 * Password hashing slots (users/password-hasher.ts lets scrypt hold 2 of libuv's 4 pool threads):
 * a queue that stays above zero means logins wait on hashing, read on scrape at no cost per login.
 */
@Injectable()
export class PasswordHashingMetrics {
  constructor(metrics: MetricsRegistry) {
    const registers = [metrics.registry];
    new Gauge({
      name: 'password_hashes_running',
      help: 'Password hashes (scrypt) running on the thread pool',
      registers,
      collect() {
        this.set(passwordHashingLoad().running);
      },
    });
    new Gauge({
      name: 'password_hashes_waiting',
      help: 'Password hashes waiting for one of their thread-pool slots',
      registers,
      collect() {
        this.set(passwordHashingLoad().waiting);
      },
    });
  }
}
