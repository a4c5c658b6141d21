import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsInt, IsObject, IsString, IsUrl, Matches, Max, MaxLength, Min, ValidateIf, ValidateNested } from 'class-validator';
import { MAX_ORIGIN_PATTERNS, ORIGIN_PATTERN } from './origin-pattern.js';
import { DYNAMIC_REGISTRATION_MODES, POLICY_GRANT_TYPES, type DynamicRegistrationMode, type PolicyGrantType } from './settings.js';

const present = (_: object, value: unknown): boolean => value !== undefined;

/** The largest signed 32-bit integer: lifetimes beyond it overflow common JWT libraries' timers. */
export const MAX_LIFETIME_SECONDS = 2_147_483_647;
/** RFC 6749 §4.1.2: "A maximum authorization code lifetime of 10 minutes is RECOMMENDED." */
export const MAX_AUTHORIZATION_CODE_LIFETIME_SECONDS = 600;
/** A day: a device request is a person walking to another screen, not a long-lived credential. */
export const MAX_DEVICE_CODE_LIFETIME_SECONDS = 86_400;

/** Ten years: a longer trail is an archive's job, and the bound keeps the date arithmetic in range. */
export const MAX_AUDIT_RETENTION_DAYS = 3650;

/** A registration may ask for at most this many scopes: the associations are rows, and a page of them is 100. */
export const MAX_POLICY_SCOPES = 100;

/** PATCH /admin/v1/settings registrationPolicy: any subset, merged over the stored policy. */
export class RegistrationPolicyBody {
  @ValidateIf(present)
  @IsArray()
  @ArrayUnique()
  @IsIn(POLICY_GRANT_TYPES, { each: true })
  grantTypes?: PolicyGrantType[];

  @ValidateIf(present)
  @IsInt()
  @Min(0)
  @Max(MAX_POLICY_SCOPES)
  maxScopes?: number;

  @ValidateIf(present)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  registrationsPerIpPerHour?: number;

  /** 0: dynamic clients are never removed for lack of use. */
  @ValidateIf(present)
  @IsInt()
  @Min(0)
  @Max(MAX_AUDIT_RETENTION_DAYS)
  deleteUnusedAfterDays?: number;
}

/** PATCH /admin/v1/settings: any non-empty subset; unknown fields are rejected by the global pipe. */
export class UpdateSettingsBody {
  @ValidateIf(present)
  @IsInt()
  @Min(1)
  @Max(MAX_LIFETIME_SECONDS)
  accessTokenLifetimeSeconds?: number;

  @ValidateIf(present)
  @IsInt()
  @Min(1)
  @Max(MAX_AUTHORIZATION_CODE_LIFETIME_SECONDS)
  authorizationCodeLifetimeSeconds?: number;

  @ValidateIf(present)
  @IsInt()
  @Min(1)
  @Max(MAX_DEVICE_CODE_LIFETIME_SECONDS)
  deviceCodeLifetimeSeconds?: number;

  @ValidateIf(present)
  @IsInt()
  @Min(1)
  @Max(MAX_LIFETIME_SECONDS)
  sessionLifetimeSeconds?: number;

  @ValidateIf(present)
  @IsInt()
  @Min(1)
  @Max(MAX_AUDIT_RETENTION_DAYS)
  auditRetentionDays?: number;

  @ValidateIf(present)
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] }, { message: 'accessTokenAudience must be an absolute http(s) URL' })
  @MaxLength(2048)
  accessTokenAudience?: string;

  @ValidateIf(present)
  @IsBoolean()
  clientIdMetadataDocuments?: boolean;

  @ValidateIf(present)
  @IsBoolean()
  requirePushedAuthorizationRequests?: boolean;

  @ValidateIf(present)
  @IsArray()
  @ArrayMaxSize(MAX_ORIGIN_PATTERNS)
  @IsString({ each: true })
  @MaxLength(300, { each: true })
  @Matches(ORIGIN_PATTERN, { each: true, message: 'clientIdMetadataDocumentHosts must be origin patterns such as "http://127.0.0.1:*" or "https://docs.example:8443"' })
  clientIdMetadataDocumentHosts?: string[];

  @ValidateIf(present)
  @IsIn(DYNAMIC_REGISTRATION_MODES)
  dynamicRegistration?: DynamicRegistrationMode;

  @ValidateIf(present)
  @IsObject()
  @ValidateNested()
  @Type(() => RegistrationPolicyBody)
  registrationPolicy?: RegistrationPolicyBody;

  @ValidateIf(present)
  @IsBoolean()
  dpopNonceRequired?: boolean;
}
