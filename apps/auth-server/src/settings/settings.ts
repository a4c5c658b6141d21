/** Global OAuth settings (CONTRACT.md, Settings). */
export interface Settings {
  accessTokenLifetimeSeconds: number;
  authorizationCodeLifetimeSeconds: number;
  accessTokenAudience: string;
}

export const DEFAULT_SETTINGS: Omit<Settings, 'accessTokenAudience'> = {
  accessTokenLifetimeSeconds: 3600,
  authorizationCodeLifetimeSeconds: 60,
};
