import { describe, expect, it } from '@jest/globals';
import { checkDocumentUrl } from './document-url.js';

describe('checkDocumentUrl (the client_id as a metadata document URL)', () => {
  it('accepts an https URL with a path, and http only for an allow-listed origin', () => {
    expect(checkDocumentUrl('https://agent.example/client.json', [])).toMatchObject({ allowListed: false });
    expect(checkDocumentUrl('http://127.0.0.1:8080/client.json', ['http://127.0.0.1:*'])).toMatchObject({ allowListed: true });
    expect(checkDocumentUrl('http://127.0.0.1:8080/client.json', ['http://127.0.0.1:9090'])).toEqual({ refused: 'the client_id URL must use https' });
    expect(checkDocumentUrl('https://agent.example:8443/c', ['https://agent.example:8443'])).toMatchObject({ allowListed: true });
    expect(checkDocumentUrl('https://agent.example/c', ['https://agent.example'])).toMatchObject({ allowListed: true });
  });

  it.each([
    ['https://agent.example', /must have a path/],
    ['https://agent.example/', /must have a path/],
    ['https://agent.example/c#x', /fragment/],
    ['https://agent.example/c#', /fragment/],
    ['https://u:p@agent.example/c', /user name or password/],
    ['https://u@agent.example/c', /user name or password/],
    ['https://agent.example/a/../c', /dot segments/],
    ['https://agent.example/a/./c', /dot segments/],
    ['https://agent.example/a/%2e%2e/c', /dot segments/],
    ['https://AGENT.example/c', /normalized form/],
    ['https://agent.example:443/c', /normalized form/],
    ['https://agent.example/c d', /normalized form/],
    ['https://', /not a valid URL/],
    [`https://agent.example/${'a'.repeat(1100)}`, /longer than 1024/],
  ])('refuses %s', (clientId, reason) => {
    const result = checkDocumentUrl(clientId, ['http://127.0.0.1:*']);
    expect('refused' in result && result.refused).toMatch(reason);
  });
});
