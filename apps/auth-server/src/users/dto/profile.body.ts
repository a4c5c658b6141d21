import { applyDecorators } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsBoolean, IsEmail, IsObject, IsOptional, IsString, IsUrl, Length, Matches, MaxLength, ValidateBy, ValidateNested } from 'class-validator';
import { isBirthdate, isLocale, isTimeZone, MULTILINE_TEXT_PATTERN, PHONE_NUMBER_PATTERN, PLAIN_TEXT_PATTERN } from '../profile/profile-formats.js';
import type { ProfileChanges } from '../profile/user-profile.js';

/** Every profile field may be left out or null (PATCH: null removes the claim). */
function Text(maxLength = 255, pattern = PLAIN_TEXT_PATTERN): PropertyDecorator {
  return applyDecorators(
    IsOptional(),
    IsString(),
    Length(1, maxLength, { message: ({ property }) => `${property} must be 1 to ${maxLength} characters long` }),
    Matches(pattern, { message: ({ property }) => `${property} must not contain control or invisible characters` }),
  );
}

function WebUrl(): PropertyDecorator {
  return applyDecorators(
    IsOptional(),
    IsString(),
    MaxLength(2048),
    IsUrl(
      { protocols: ['https', 'http'], require_protocol: true, require_tld: false },
      { message: ({ property }) => `${property} must be an absolute http(s) URL` },
    ),
  );
}

function Satisfies(name: string, test: (value: string) => boolean, message: string): PropertyDecorator {
  return applyDecorators(
    IsOptional(),
    IsString(),
    ValidateBy({ name, validator: { validate: (value) => typeof value === 'string' && test(value), defaultMessage: () => message } }),
  );
}

/** OpenID Connect Core 1.0 §5.1.1. */
export class AddressBody {
  @Text(1024, MULTILINE_TEXT_PATTERN) formatted?: string | null;
  @Text(512, MULTILINE_TEXT_PATTERN) street_address?: string | null;
  @Text() locality?: string | null;
  @Text() region?: string | null;
  @Text(32) postal_code?: string | null;
  @Text() country?: string | null;
}

/**
 * The `profile` object of POST|PATCH /admin/v1/users: the standard claims under their own names.
 * Any other field (updated_at included: the server keeps it) is refused by the global pipe.
 */
export class ProfileBody implements ProfileChanges {
  @Text() name?: string | null;
  @Text() given_name?: string | null;
  @Text() family_name?: string | null;
  @Text() middle_name?: string | null;
  @Text() nickname?: string | null;
  @Text() preferred_username?: string | null;
  @WebUrl() profile?: string | null;
  @WebUrl() picture?: string | null;
  @WebUrl() website?: string | null;
  @Text(64) gender?: string | null;
  // Custom rules: typed `string` (not `| null`) so that the schema generator reads String as their design type.
  @Satisfies('birthdate', isBirthdate, 'birthdate must be YYYY-MM-DD, 0000-MM-DD (year withheld) or YYYY') birthdate?: string;
  @Satisfies('zoneinfo', isTimeZone, 'zoneinfo must be an IANA time zone such as Europe/Paris') zoneinfo?: string;
  @Satisfies('locale', isLocale, 'locale must be a BCP 47 language tag such as en-US') locale?: string;

  @IsOptional()
  @IsString()
  @MaxLength(254)
  @IsEmail({}, { message: 'email must be an email address' })
  email?: string | null;

  @IsOptional()
  @IsBoolean()
  email_verified?: boolean | null;

  @IsOptional()
  @IsString()
  @Matches(PHONE_NUMBER_PATTERN, { message: 'phone_number must be E.164 (+ and up to 15 digits), optionally with ;ext=' })
  phone_number?: string | null;

  @IsOptional()
  @IsBoolean()
  phone_number_verified?: boolean | null;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => AddressBody)
  address?: AddressBody;
}

/**
 * The field on the user bodies. Nested DTO properties are typed without `| null` so that their
 * design type names the class (the OpenAPI schema is generated from it); null still arrives, and
 * means "remove".
 */
export function ProfileField(): PropertyDecorator {
  return applyDecorators(
    IsOptional(),
    IsObject(),
    ValidateNested(),
    Type(() => ProfileBody),
  );
}
