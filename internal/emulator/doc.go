// Package emulator is an emulated Microsoft Entra tenant: the Entra login
// endpoints (login_*.go), the slice of Microsoft Graph teamsctl and common
// admin clients use (graph_*.go, meetings.go, odata*.go), and the control API
// that tests and `teamsctl sandbox` drive (control*.go), all over one State
// (model.go, store.go, seed.go).
//
// # Why one package
//
// The file prefixes look like packages waiting to be split (login, graph,
// store), and that split was weighed. One package is the better shape because
// the halves are not independent; they are two views of the same tenant,
// decided together under one lock:
//
//   - A sign-in is a Graph-visible write. Consent at the login endpoints
//     creates oauth2PermissionGrants and service principals; a refused
//     sign-in is a signIns row; a device code approval evaluates Conditional
//     Access, assignment and the consent policy (signin.go, consent.go,
//     conditional_access.go) against the same objects Graph serves.
//   - A Graph request is a login artefact. Graph checks the tokens the
//     login half signed (tokens.go, authz.go): their keys, tenant, scopes and
//     roles, against the permission catalog of the same state.
//   - Faults (latency, throttling, replication lag) and the request log cut
//     across both halves, and replication lag must see each write in the
//     order the single Server.mu gives them.
//
// Split into packages, each half would need the model exported in full, the
// lock and the fault injector passed across, and the sign-in rules either
// duplicated or moved into the store; the coupling would stay, only behind
// exported names that teamsctl's own code could then reach. The prefixes keep
// the halves findable instead: login_* for the authorization server, graph_*
// for resource routes, control_* for the emulator's own API, and model, store
// and seed for the tenant they share.
//
// Every behaviour follows a Microsoft documentation page, cited where it is
// implemented; where Microsoft does not document one, the comment says what
// was chosen and why.
package emulator
