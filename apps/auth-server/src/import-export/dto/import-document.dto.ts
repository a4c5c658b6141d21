import { Type } from 'class-transformer';
import { ArrayMaxSize, Equals, IsArray, IsISO8601, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { CreateResourceDto } from '../../resources/dto/create-resource.dto.js';
import { CreateScopeDto } from '../../scopes/dto/create-scope.dto.js';
import { UpdateSettingsBody } from '../../settings/update-settings.body.js';
import { EXPORT_FORMAT, EXPORT_VERSION } from '../export-format.js';
import { ImportedClientDto } from './imported-client.dto.js';
import { ImportedUserDto } from './imported-user.dto.js';

/** Rows of one kind a file may hold: bounds the work of one transaction (the body limit bounds the rest). */
export const MAX_ROWS = 10_000;

/** POST /admin/v1/import (docs/import-export.md). Every section is optional: a file may carry only clients. */
export class ImportDocumentDto {
  @Equals(EXPORT_FORMAT, { message: `format must be "${EXPORT_FORMAT}"` })
  format!: string;

  @Equals(EXPORT_VERSION, { message: `version must be ${EXPORT_VERSION}` })
  version!: number;

  @IsOptional() @IsISO8601()
  exportedAt?: string;

  @IsOptional() @IsString() @MaxLength(2048)
  exportedBy?: string;

  @IsOptional() @IsObject() @ValidateNested() @Type(() => UpdateSettingsBody)
  settings?: UpdateSettingsBody;

  @IsOptional() @IsArray() @ArrayMaxSize(MAX_ROWS) @ValidateNested({ each: true }) @Type(() => CreateScopeDto)
  scopes?: CreateScopeDto[];

  @IsOptional() @IsArray() @ArrayMaxSize(MAX_ROWS) @ValidateNested({ each: true }) @Type(() => ImportedClientDto)
  clients?: ImportedClientDto[];

  @IsOptional() @IsArray() @ArrayMaxSize(MAX_ROWS) @ValidateNested({ each: true }) @Type(() => ImportedUserDto)
  users?: ImportedUserDto[];

  @IsOptional() @IsArray() @ArrayMaxSize(MAX_ROWS) @ValidateNested({ each: true }) @Type(() => CreateResourceDto)
  resources?: CreateResourceDto[];
}
