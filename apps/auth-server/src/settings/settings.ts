/** Global OAuth settings (CONTRACT.md, Settings). */
export interface Settings {
  accessTokenLifetimeSeconds: number;
  authorizationCodeLifetimeSeconds: number;
  /** How long a browser session (single sign-on) lasts after its login. */
  sessionLifetimeSeconds: number;
  accessTokenAudience: string;
}

export const DEFAULT_SETTINGS: Omit<Settings, 'accessTokenAudience'> = {
  accessTokenLifetimeSeconds: 3600,
  authorizationCodeLifetimeSeconds: 60,
  sessionLifetimeSeconds: 28800,
};
