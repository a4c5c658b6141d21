import { Module } from '@nestjs/common';
import { RefusalRecorder } from './refusal-recorder.js';
import { RsActivityCounters } from './rs-activity-counters.js';
import { RsActivityFlusher } from './rs-activity.flusher.js';
import { RsActivityRepository } from './rs-activity.repository.js';
import { RsActivityService } from './rs-activity.service.js';

/**
 * Refusals per minute at this resource server (issue 18's dashboard), served by its own admin API
 * (GET /admin/v1/activity). Kept here rather than published to the auth server: the refusals are
 * the resource server's own traffic, its database already holds its state, and the console
 * already calls its admin API; the auth server's dashboard reads the sync state from the stream.
 */
@Module({
  providers: [RsActivityCounters, RefusalRecorder, RsActivityFlusher, RsActivityRepository, RsActivityService],
  exports: [RsActivityService],
})
export class RsActivityModule {}
