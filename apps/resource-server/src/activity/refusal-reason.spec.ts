import { describe, expect, it } from '@jest/globals';
import { refusalReason } from './refusal-reason.js';

describe('refusalReason', () => {
  it("names a refusal by its challenge's error code", () => {
    expect(refusalReason(401, 'Bearer error="invalid_token", error_description="the token expired"')).toBe('invalid_token');
    expect(refusalReason(403, 'Bearer error="insufficient_scope", scope="reports.read"')).toBe('insufficient_scope');
    expect(refusalReason(401, 'DPoP algs="ES256", error="invalid_dpop_proof"')).toBe('invalid_dpop_proof');
    expect(refusalReason(401, ['Bearer error="invalid_token"', 'Basic realm="api"'])).toBe('invalid_token');
  });

  it('is no_token for a bare Bearer challenge (no credentials at all), with or without resource metadata', () => {
    expect(refusalReason(401, 'Bearer', '{"error":"invalid_request"}')).toBe('no_token');
    expect(refusalReason(401, 'Bearer resource_metadata="https://rs.example/.well-known/oauth-protected-resource"')).toBe('no_token');
  });

  it("takes the body's error when the challenge has none (a refused client on a clientBasic route)", () => {
    expect(refusalReason(401, 'Basic realm="portcullis", charset="UTF-8"', '{"error":"invalid_client","error_description":"client authentication failed"}')).toBe(
      'invalid_client',
    );
    expect(refusalReason(401, undefined, '{"error":"Something Else Entirely"}')).toBe('unauthorized');
  });

  it('names refusals without a challenge or an error by their status, and a 429 rate_limited', () => {
    expect(refusalReason(401, undefined)).toBe('unauthorized');
    expect(refusalReason(403, undefined, '{"type":"about:blank","title":"Forbidden","status":403}')).toBe('forbidden');
    expect(refusalReason(429, undefined)).toBe('rate_limited');
  });

  it('is null for an answer that is not a refusal', () => {
    expect(refusalReason(200, undefined)).toBeNull();
    expect(refusalReason(404, 'Bearer error="invalid_token"')).toBeNull();
    expect(refusalReason(502, undefined)).toBeNull();
  });
});
