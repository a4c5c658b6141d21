import { Module } from '@nestjs/common';
import { DemoReportsService } from './demo-reports.service.js';
import { DemoController } from './demo.controller.js';

@Module({ controllers: [DemoController], providers: [DemoReportsService] })
export class DemoModule {}
