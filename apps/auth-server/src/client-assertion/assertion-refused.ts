/** Why a client assertion was not accepted: said in the audit trail, answered as invalid_client. */
export class AssertionRefused extends Error {}
