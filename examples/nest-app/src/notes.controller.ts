import { Body, Controller, Get, Post } from '@nestjs/common';
import { IsString, Length } from 'class-validator';
import { CurrentAccess, Public, RequireScopes, type AuthenticatedAccess } from '@portcullis/nest-resource-guard';

export class CreateNoteBody {
  @IsString()
  @Length(1, 500)
  text!: string;
}

export interface Note {
  id: number;
  text: string;
  /** The client whose token wrote it. */
  writtenBy: string;
}

/** Who called, as the guard verified it: what a handler needs from the token. */
function callerOf(access: AuthenticatedAccess) {
  // grantType 'client_credentials': the client acting for itself, whatever its subject looks like (CC-4).
  return { subject: access.sub, clientId: access.clientId, scopes: access.effectiveScopes, tokenId: access.tokenId, grantType: access.grantType };
}

@Controller()
export class NotesController {
  private readonly notes: Note[] = [];

  /** Public: no token needed (every other route needs one, since the module protects all routes). */
  @Public()
  @Get('health')
  health() {
    return { status: 'ok' };
  }

  /** Any valid token: no @RequireScopes, not @Public(). */
  @Get('me')
  me(@CurrentAccess() access: AuthenticatedAccess) {
    return callerOf(access);
  }

  @RequireScopes('notes.read')
  @Get('notes')
  list(@CurrentAccess() access: AuthenticatedAccess) {
    return { notes: this.notes, caller: callerOf(access) };
  }

  @RequireScopes('notes.write')
  @Post('notes')
  create(@Body() body: CreateNoteBody, @CurrentAccess() access: AuthenticatedAccess): Note {
    const note = { id: this.notes.length + 1, text: body.text, writtenBy: access.clientId };
    this.notes.push(note);
    return note;
  }
}
