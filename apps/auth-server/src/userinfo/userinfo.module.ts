import { Module } from '@nestjs/common';
import { IntrospectionModule } from '../introspection/introspection.module.js';
import { UsersModule } from '../users/users.module.js';
import { UserinfoController } from './userinfo.controller.js';
import { UserinfoService } from './userinfo.service.js';

@Module({ imports: [IntrospectionModule, UsersModule], controllers: [UserinfoController], providers: [UserinfoService] })
export class UserinfoModule {}
