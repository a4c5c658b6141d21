import { Module } from '@nestjs/common';
import { DpopBinding, type ReplayStore } from '#dpop';
import { IntrospectionModule } from '../introspection/introspection.module.js';
import { REPLAY_STORE } from '../replay/replay-store.provider.js';
import { ReplayModule } from '../replay/replay.module.js';
import { UsersModule } from '../users/users.module.js';
import { UserinfoController } from './userinfo.controller.js';
import { UserinfoEndpoint } from './userinfo-endpoint.js';
import { UserinfoRoute } from './userinfo-route.js';
import { UserinfoService } from './userinfo.service.js';

@Module({
  imports: [IntrospectionModule, UsersModule, ReplayModule],
  controllers: [UserinfoController],
  providers: [UserinfoService, UserinfoEndpoint, UserinfoRoute, { provide: DpopBinding, useFactory: (replays: ReplayStore) => new DpopBinding(replays), inject: [REPLAY_STORE] }],
})
export class UserinfoModule {}
