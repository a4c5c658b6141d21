import { Module } from '@nestjs/common';
import { AuthModule } from '#resource-guard';
import { DemoReportsService } from './demo-reports.service.js';
import { DemoController } from './demo.controller.js';

@Module({ imports: [AuthModule], controllers: [DemoController], providers: [DemoReportsService] })
export class DemoModule {}
