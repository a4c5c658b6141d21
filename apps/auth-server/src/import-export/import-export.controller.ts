import { Body, Controller, Get, Header, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems, ApiQueryDto } from '#operability';
import { AdminApi } from '../admin-api/admin-api.decorator.js';
import { AuditChangeAs } from '../admin-api/audit-change.decorator.js';
import { ImportQuery } from './dto/import.query.js';
import type { ExportDocument } from './export-format.js';
import { ExportService } from './export.service.js';
import { auditOutline } from './audit-outline.js';
import type { ImportReport } from './import-report.js';
import { ImportService } from './import.service.js';
import { EXPORT_DOCUMENT, IMPORT_REPORT } from './openapi.js';

@AdminApi()
@ApiTags('admin: import and export')
@Controller('admin/v1')
export class ImportExportController {
  constructor(
    private readonly exports: ExportService,
    private readonly imports: ImportService,
  ) {}

  @ApiOperation({ summary: 'Export clients (secret hashes only), scopes, associations, users, resources and settings (docs/import-export.md)' })
  @ApiOkResponse({ schema: EXPORT_DOCUMENT })
  @Get('export')
  // Secret and password hashes: no cache keeps a copy.
  @Header('Cache-Control', 'no-store')
  export(): Promise<ExportDocument> {
    return this.exports.export();
  }

  @ApiOperation({ summary: 'Import an export file in one transaction, or report what it would change (dryRun=true)' })
  @ApiQueryDto(ImportQuery)
  @ApiBody({ schema: EXPORT_DOCUMENT })
  @ApiOkResponse({ schema: IMPORT_REPORT })
  @ApiProblems(400, 409)
  @Post('import')
  @HttpCode(200)
  // The audit row keeps the file's outline, not the file (megabytes, secrets), whatever the answer.
  @AuditChangeAs((body, query) => auditOutline(body, query.dryRun))
  import(@Body() body: unknown, @Query() query: ImportQuery): Promise<ImportReport> {
    return this.imports.import(body, query.dryRun === 'true');
  }
}
