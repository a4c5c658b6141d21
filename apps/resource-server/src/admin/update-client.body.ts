import { IsBoolean } from 'class-validator';

/** Only the local flag can change here; everything else belongs to the auth server. */
export class UpdateClientBody {
  @IsBoolean()
  enabled!: boolean;
}
