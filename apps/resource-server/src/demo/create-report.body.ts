import { IsString, Length } from 'class-validator';

export class CreateReportBody {
  @IsString()
  @Length(1, 200)
  title!: string;
}
