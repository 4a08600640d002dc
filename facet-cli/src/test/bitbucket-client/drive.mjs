// Drives a running Facet primary with the Bitbucket Data Center REST client that openapi-typescript-codegen
// generated from Atlassian's OpenAPI spec (npm @atlassian-dc-mcp/bitbucket, unpacked by install.sh), as a
// script written against Bitbucket would. Prints one JSON object of what each call answered; BitbucketClientTest
// reads and checks it.
// Usage: node drive.mjs BASE_URL USER PASSWORD COMMIT, then node drive.mjs BASE_URL USER PASSWORD revoke TOKEN_ID
import {
  ApiError, AuthenticationService, MirroringUpstreamService, OpenAPI, PermissionManagementService, ProjectService,
  RepositoryService, SystemMaintenanceService,
} from './vendor/package/build/bitbucket-client/index.js';

const [baseUrl, user, password, commit, tokenId] = process.argv.slice(2);
OpenAPI.BASE = `${baseUrl}/rest`;
OpenAPI.USERNAME = user;
OpenAPI.PASSWORD = password;

const seen = {};
async function call(name, action) {
  try {
    const answer = await action();
    seen[name] = { ok: true, answer: answer ?? null };
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    seen[name] = { ok: false, status: e.status, body: e.body ?? null };
  }
}

if (commit === 'revoke') {
  await call('revoke', () => AuthenticationService.deleteById2(tokenId, user));
  await call('afterRevoke', () => AuthenticationService.getById2(tokenId, user));
  console.log(JSON.stringify(seen));
  process.exit(0);
}

await call('properties', () => SystemMaintenanceService.getApplicationProperties());
await call('createProject', () => ProjectService.createProject({ key: 'CLI', name: 'Client project', description: 'made by the client' }));
await call('updateProject', () => ProjectService.updateProject('CLI', { name: 'Client project', description: 'changed by the client', public: false }));
await call('createRepository', () => ProjectService.createRepository('CLI', {
  name: 'Driven', scmId: 'git', description: 'driven by a generated client', forkable: false, defaultBranch: 'main',
}));
await call('updateRepository', () => ProjectService.updateRepository('CLI', 'driven', { description: 'updated', forkable: true }));
await call('archive', () => ProjectService.updateRepository('CLI', 'driven', { archived: true }));
await call('getRepository', () => ProjectService.getRepository('CLI', 'driven'));
await call('search', () => RepositoryService.getRepositories1(undefined, 'client project', undefined, undefined, 'driv', 'REPO_ADMIN', 'AVAILABLE'));
await call('badSearch', () => RepositoryService.getRepositories1(undefined, undefined, undefined, 'sideways'));
// The seeded repository SEED/seeded holds `commit` on main.
await call('createBranch', () => RepositoryService.createBranch('SEED', 'seeded', { name: 'from-client', startPoint: commit }));
await call('branches', () => RepositoryService.getBranches('SEED', 'seeded', undefined, undefined, 'ALPHABETICAL', true, 'client'));
await call('createTag', () => RepositoryService.createTagForRepository('SEED', 'seeded', { name: 'client-tag', startPoint: 'from-client', message: 'tagged by the client' }));
await call('tags', () => RepositoryService.getTags('SEED', 'seeded', undefined, 'client'));
await call('tag', () => RepositoryService.getTag('SEED', 'client-tag', 'seeded'));
await call('setDefault', () => ProjectService.setDefaultBranch2('SEED', 'seeded', { id: 'refs/heads/from-client' }));
await call('getDefault', () => ProjectService.getDefaultBranch2('SEED', 'seeded'));
await call('deleteDefault', () => RepositoryService.deleteBranch('SEED', 'seeded', { name: 'from-client' }));
await call('deleteTag', () => RepositoryService.deleteTag('SEED', 'client-tag', 'seeded'));
await call('tagAfterDelete', () => RepositoryService.getTag('SEED', 'client-tag', 'seeded'));
await call('createToken', () => AuthenticationService.createAccessToken2(user, { name: 'client-token', permissions: ['REPO_READ'], expiryDays: 7 }));
const tokenIdCreated = seen.createToken.answer?.id;
await call('tokens', () => AuthenticationService.getAllAccessTokens2(user, 0, 10));
await call('token', () => AuthenticationService.getById2(tokenIdCreated, user));
await call('updateToken', () => AuthenticationService.updateAccessToken2(tokenIdCreated, user, { permissions: ['REPO_WRITE'] }));
await call('badToken', () => AuthenticationService.createAccessToken2(user, { name: 'no-permissions', permissions: [] }));
// Users, groups and permissions, each written and read right back as Terraform does.
const users = PermissionManagementService;
await call('createUser', () => users.createUser('client@example.com', 'Client User', 'client-user', 'client-pass-1'));
await call('getUser', () => SystemMaintenanceService.getUser('client-user'));
await call('findUsers', () => SystemMaintenanceService.getUsers2('client@'));
await call('usersByPermission', () => SystemMaintenanceService.getUsers2(undefined, undefined, 'PROJECT_ADMIN'));
await call('updateUser', () => users.updateUserDetails({ name: 'client-user', displayName: 'Client Renamed', email: 'renamed@example.com' }));
await call('setPassword', () => users.updateUserPassword({ name: 'client-user', password: 'client-pass-2', passwordConfirm: 'client-pass-2' }));
await call('createGroup', () => users.createGroup('client-group'));
await call('addMember', () => users.addUsersToGroup({ group: 'client-group', users: ['client-user'] }));
await call('members', () => users.findUsersInGroup('client-group'));
await call('groupNames', () => users.getGroups('client'));
await call('adminGroups', () => users.getGroups1('client'));
await call('grantGroupOnProject', () => ProjectService.setPermissionForGroups1('CLI', ['client-group'], 'PROJECT_WRITE'));
await call('groupsOnProject', () => ProjectService.getGroupsWithAnyPermission1('CLI'));
await call('grantUserOnProject', () => ProjectService.setPermissionForUsers1('CLI', ['client-user'], 'PROJECT_READ'));
await call('usersOnProject', () => ProjectService.getUsersWithAnyPermission1('CLI', 'client'));
await call('grantGroupOnRepository', () => users.setPermissionForGroup('CLI', ['client-group'], 'REPO_ADMIN', 'driven'));
await call('groupsOnRepository', () => users.getGroupsWithAnyPermission2('CLI', 'driven'));
await call('grantUserOnRepository', () => users.setPermissionForUser('CLI', ['client-user'], 'REPO_WRITE', 'driven'));
await call('usersOnRepository', () => users.getUsersWithAnyPermission2('CLI', 'driven'));
await call('globalUser', () => users.setPermissionForUsers(['client-user'], 'PROJECT_CREATE'));
await call('globalUsers', () => users.getUsersWithAnyPermission('client-user'));
await call('globalGroup', () => users.setPermissionForGroups(['client-group'], 'ADMIN'));
await call('globalGroups', () => users.getGroupsWithAnyPermission('client'));
await call('badGlobal', () => users.setPermissionForGroups(['client-group'], 'OVERLORD'));
await call('revokeGlobalGroup', () => users.revokePermissionsForGroup('client-group'));
await call('revokeGroupOnRepository', () => users.revokePermissionsForGroup2('CLI', 'client-group', 'driven'));
await call('groupsOnRepositoryAfter', () => users.getGroupsWithAnyPermission2('CLI', 'driven'));
await call('removeMember', () => users.removeUserFromGroup({ context: 'client-group', itemName: 'client-user' }));
await call('membersAfter', () => users.findUsersInGroup('client-group'));
await call('deleteGroup', () => users.deleteGroup('client-group'));
await call('groupsOnProjectAfter', () => ProjectService.getGroupsWithAnyPermission1('CLI'));
await call('deleteUser', () => users.deleteUser('client-user'));
// Project and repository tokens, on the project and repository made above.
await call('createProjectToken', () => AuthenticationService.createAccessToken('CLI', { name: 'project-token', permissions: ['PROJECT_READ', 'REPO_WRITE'] }));
const projectTokenId = seen.createProjectToken.answer?.id;
await call('projectTokens', () => AuthenticationService.getAllAccessTokens('CLI', 0, 10));
await call('projectToken', () => AuthenticationService.getById('CLI', projectTokenId));
await call('updateProjectToken', () => AuthenticationService.updateAccessToken('CLI', projectTokenId, { name: 'project-token-renamed' }));
await call('createRepositoryToken', () => AuthenticationService.createAccessToken1('CLI', 'driven', { name: 'repository-token', permissions: ['REPO_READ'], expiryDays: 30 }));
const repositoryTokenId = seen.createRepositoryToken.answer?.id;
await call('repositoryTokens', () => AuthenticationService.getAllAccessTokens1('CLI', 'driven', 0, 10));
await call('repositoryToken', () => AuthenticationService.getById1('CLI', repositoryTokenId, 'driven'));
await call('updateRepositoryToken', () => AuthenticationService.updateAccessToken1('CLI', repositoryTokenId, 'driven', { permissions: ['REPO_ADMIN'] }));
await call('badRepositoryToken', () => AuthenticationService.createAccessToken1('CLI', 'driven', { name: 'too-wide', permissions: ['PROJECT_READ'] }));
await call('deleteRepositoryToken', () => AuthenticationService.deleteById1('CLI', repositoryTokenId, 'driven'));
await call('repositoryTokenAfterDelete', () => AuthenticationService.getById1('CLI', repositoryTokenId, 'driven'));
await call('deleteProjectToken', () => AuthenticationService.deleteById('CLI', projectTokenId));
await call('projectTokenAfterDelete', () => AuthenticationService.getById('CLI', projectTokenId));
// Webhooks on the repository and the project made above, as a CI server's setup script makes them.
const hookUrl = 'https://192.0.2.10/client-hook';
await call('createRepositoryHook', () => RepositoryService.createWebhook1('CLI', 'driven', {
  name: 'client-ci', url: hookUrl, active: true, events: ['repo:refs_changed'], configuration: { secret: 'client-hook-secret' },
}));
const repositoryHookId = seen.createRepositoryHook.answer?.id;
await call('repositoryHooks', () => RepositoryService.findWebhooks1('CLI', 'driven'));
await call('repositoryHook', () => RepositoryService.getWebhook1('CLI', repositoryHookId, 'driven'));
await call('updateRepositoryHook', () => RepositoryService.updateWebhook1('CLI', repositoryHookId, 'driven', {
  name: 'client-ci', url: hookUrl, active: false, events: ['repo:refs_changed', 'repo:modified'],
}));
await call('localRepositoryHook', () => RepositoryService.createWebhook1('CLI', 'driven', {
  name: 'sneaky', url: 'http://127.0.0.1:7990/rest/api/latest/admin/users', active: true, events: ['repo:refs_changed'],
}));
await call('createProjectHook', () => ProjectService.createWebhook('CLI', {
  name: 'client-mirror-ci', url: hookUrl, active: true, events: ['mirror:repo_synchronized'],
}));
const projectHookId = seen.createProjectHook.answer?.id;
await call('projectHooks', () => ProjectService.findWebhooks('CLI'));
await call('projectHook', () => ProjectService.getWebhook('CLI', projectHookId));
await call('updateProjectHook', () => ProjectService.updateWebhook('CLI', projectHookId, {
  name: 'client-mirror-ci-renamed', url: hookUrl, active: true, events: ['mirror:repo_synchronized'],
}));
await call('testLocalUrl', () => ProjectService.testWebhook('CLI', undefined, true, 'http://169.254.169.254/latest/meta-data/'));
await call('deleteRepositoryHook', () => RepositoryService.deleteWebhook1('CLI', repositoryHookId, 'driven'));
await call('repositoryHookAfterDelete', () => RepositoryService.getWebhook1('CLI', repositoryHookId, 'driven'));
await call('deleteProjectHook', () => ProjectService.deleteWebhook('CLI', projectHookId));
await call('projectHooksAfterDelete', () => ProjectService.findWebhooks('CLI'));
// Mirroring, as a CI plugin uses it: which mirrors carry the seeded repository, its link followed as given.
const mirroring = MirroringUpstreamService;
await call('seeded', () => ProjectService.getRepository('SEED', 'seeded'));
await call('acceptedRequests', () => mirroring.listRequests('ACCEPTED'));
await call('mirrorServers', () => mirroring.listMirrors());
await call('repositoryMirrors', () => mirroring.getRepositoryMirrors(String(seen.seeded.answer?.id)));
const link = seen.repositoryMirrors.answer?.values?.[0]?.links?.self?.[0]?.href;
await call('followLink', async () => (await fetch(link)).json());
const mirrorId = seen.mirrorServers.answer?.values?.[0]?.id;
await call('setPreferredMirror', () => mirroring.setPreferredMirrorId(mirrorId));
await call('preferredMirror', () => mirroring.getPreferredMirrorId());
await call('deletePreferredMirror', () => mirroring.deletePreferredMirrorId());
await call('preferredMirrorAfter', () => mirroring.getPreferredMirrorId());
console.log(JSON.stringify(seen));
