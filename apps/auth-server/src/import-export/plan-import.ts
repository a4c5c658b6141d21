import type { ImportDocument } from './parse-import.js';
import type { ImportPlan, PlanContext, RegistryState } from './import-plan.js';
import { planClients } from './plan-clients.js';
import { planResources, planScopes, planSettings, planUsers } from './plan-rows.js';
import { refuseSharedSubjects } from './plan-subjects.js';

/**
 * What an import does to the server, row by row, decided before anything is written: the dry
 * run's answer, and the import's, which writes only when no row conflicts. Pure: the state and
 * context come in, the plan goes out.
 */
export function planImport(document: ImportDocument, state: RegistryState, context: PlanContext): ImportPlan {
  const knownScopes = new Set([...state.scopes.keys(), ...document.scopes.map((scope) => scope.name)]);
  const settings = planSettings(document.settings, state.settings);
  const scopes = planScopes(document.scopes, state);
  const clients = planClients(document.clients, state, knownScopes, context);
  const importedClients = clients.report.filter((row) => row.action !== 'conflict' && row.action !== 'skipped').map((row) => row.key);
  const knownClients = new Set([...state.clients.keys(), ...importedClients]);
  const users = planUsers(document.users, state);
  const resources = planResources(document.resources, state, { scopes: knownScopes, clients: knownClients }, context);
  return {
    rows: refuseSharedSubjects([...settings.report, ...scopes.report, ...clients.report, ...users.report, ...resources.report], state),
    settings: settings.changes,
    scopes: scopes.writes,
    clients: clients.writes,
    users: users.writes,
    resources: resources.writes,
  };
}
