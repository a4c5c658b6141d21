/** A scope associated with a client, with the user permission it requires (null: none). */
export interface AssociatedScope {
  name: string;
  requiredPermission: string | null;
}
