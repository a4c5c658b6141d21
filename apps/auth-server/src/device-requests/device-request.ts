/** Where a device authorization request stands (RFC 8628 §3.3: the user has answered or not). */
export type DeviceRequestStatus = 'pending' | 'approved' | 'denied';

/** Why a request was denied, as the device is told: the user said no, or named a scope they may not grant. */
export type DeviceRefusal = 'access_denied' | 'invalid_scope';

/** A device authorization request as the /device pages and the admin list see it: no code values. */
export interface DeviceRequest {
  id: string;
  clientRef: string;
  clientId: string;
  /** Resolved against the client's scopes at /oauth/device_authorization. */
  scopes: string[];
  /** Whether the device named its scopes (a privileged one it lacks is then refused, not dropped). */
  scopeRequested: boolean;
  /** RFC 8707 resources asked for; []: the default audience. */
  resources: string[];
  /** Recorded at /oauth/device_authorization and shown to the user, who must recognise their device. */
  deviceIp: string | null;
  deviceUserAgent: string | null;
  status: DeviceRequestStatus;
  createdAt: Date;
  expiresAt: Date;
}

export interface NewDeviceRequest {
  deviceCodeHash: string;
  userCodeHash: string;
  clientRef: string;
  clientId: string;
  scopes: string[];
  scopeRequested: boolean;
  resources: string[];
  deviceIp: string | null;
  deviceUserAgent: string | null;
  /** expires_at is this much after the database's now. */
  lifetimeSeconds: number;
}

/** What the user's approval fixed: who, what they granted, when they signed in. */
export interface DeviceApproval {
  userId: string;
  scopes: string[];
  authTime: Date;
}

/** One poll of the token endpoint, as the single UPDATE … RETURNING saw and recorded it. */
export interface DevicePoll {
  status: DeviceRequestStatus;
  /** Past expires_at, by the database's clock. */
  expired: boolean;
  /** Whether an earlier poll already redeemed the code. */
  alreadyConsumed: boolean;
  /** Whether this poll came sooner than the interval after the previous one. */
  tooFast: boolean;
  /** Set when the request is approved. */
  approval: DeviceApproval | null;
  /** Set when the request is denied. */
  refusal: DeviceRefusal | null;
  resources: string[];
  id: string;
}
