package emulator

import (
	"net/http"
	"slices"
	"strings"
	"time"
)

// The admin consent workflow's requests, as Graph's identityGovernance
// appConsent API serves them ("appConsentRequest resource type",
// "userConsentRequest resource type", "approvalStage resource type",
// learn.microsoft.com/graph/api/resources/appconsentrequest and siblings):
// one appConsentRequest per app users asked for, with pendingScopes, and
// under it one userConsentRequest per user who asked, each with an
// approval of one stage a reviewer decides.

// AppConsentRequest is an app users asked an administrator to consent to.
type AppConsentRequest struct {
	ID             string                `json:"id"`
	AppID          string                `json:"appId"`
	AppDisplayName string                `json:"appDisplayName"`
	UserRequests   []*UserConsentRequest `json:"userConsentRequests,omitempty"`
}

// UserConsentRequest is one user's request, with its single approval
// stage.
type UserConsentRequest struct {
	ID                string    `json:"id"`
	Reason            string    `json:"reason,omitempty"`
	Status            string    `json:"status"` // InProgress, Completed, Expired
	CreatedDateTime   time.Time `json:"createdDateTime"`
	CompletedDateTime time.Time `json:"completedDateTime,omitzero"`
	UserID            string    `json:"userId"`
	UserDisplayName   string    `json:"userDisplayName"`
	UserPrincipalName string    `json:"userPrincipalName"`
	// Scopes are the delegated permissions the user's sign-in lacked.
	Scopes []string      `json:"scopes"`
	Stage  ApprovalStage `json:"stage"`
}

// ApprovalStage is the reviewer's decision on a user's request.
type ApprovalStage struct {
	ID               string    `json:"id"`
	Status           string    `json:"status"`       // InProgress, Completed
	ReviewResult     string    `json:"reviewResult"` // NotReviewed, Approve, Deny
	Justification    string    `json:"justification,omitempty"`
	ReviewerID       string    `json:"reviewerId,omitempty"`
	ReviewerName     string    `json:"reviewerName,omitempty"`
	ReviewedDateTime time.Time `json:"reviewedDateTime,omitzero"`
}

// Request statuses and review results.
const (
	ConsentRequestInProgress = "InProgress"
	ConsentRequestCompleted  = "Completed"
	ReviewNotReviewed        = "NotReviewed"
	ReviewApprove            = "Approve"
	ReviewDeny               = "Deny"
)

// pendingScopes are what the app's requests in progress ask for.
func (r *AppConsentRequest) pendingScopes() []string {
	var out []string
	for _, u := range r.UserRequests {
		if u.Status == ConsentRequestInProgress {
			out = unionScopes(out, u.Scopes...)
		}
	}
	return out
}

// recordConsentRequest files the request of a user who may not consent
// to scopes of app, with the admin consent workflow on: Entra's "Approval
// required" page (AADSTS90095) lets the user send one to the reviewers
// ("Configure the admin consent workflow", learn.microsoft.com/entra/
// identity/enterprise-apps/configure-admin-consent-workflow). The emulator
// has no page, so the sign-in itself sends it (without a reason); a user
// whose request is still in progress gets no second one, as Entra shows
// them the pending request instead.
func recordConsentRequest(st *State, t *Tenant, a signInAttempt, scopes []string, now time.Time) {
	app := a.client.app
	var req *AppConsentRequest
	for _, r := range t.AppConsentRequests {
		if strings.EqualFold(r.AppID, app.AppID) {
			req = r
		}
	}
	if req == nil {
		req = &AppConsentRequest{ID: st.NewGUID(), AppID: app.AppID, AppDisplayName: app.DisplayName}
		t.AppConsentRequests = append(t.AppConsentRequests, req)
	}
	for _, u := range req.UserRequests {
		if u.Status == ConsentRequestInProgress && strings.EqualFold(u.UserID, a.user.ID) {
			u.Scopes = unionScopes(u.Scopes, scopes...)
			return
		}
	}
	id := st.NewGUID()
	req.UserRequests = append(req.UserRequests, &UserConsentRequest{ID: id, Status: ConsentRequestInProgress,
		CreatedDateTime: now.UTC(), UserID: a.user.ID, UserDisplayName: a.user.DisplayName, UserPrincipalName: a.user.UserPrincipalName,
		Scopes: slices.Clone(scopes), Stage: ApprovalStage{ID: st.NewGUID(), Status: ConsentRequestInProgress, ReviewResult: ReviewNotReviewed}})
}

var typeAppConsentRequest = &graphType{
	Name: "microsoft.graph.appConsentRequest", Resource: "AppConsentRequest",
	Zero: func() map[string]any { return appConsentRequestView(&AppConsentRequest{}) },
	// "List appConsentRequests": $filter (eq), also on the
	// userConsentRequests relationship.
	Filter:  map[string]string{"appId": "eq", "appDisplayName": "eq", "userConsentRequests": "any", "userConsentRequests/status": "eq"},
	OrderBy: []string{"appDisplayName"},
}

var typeUserConsentRequest = &graphType{
	Name: "microsoft.graph.userConsentRequest", Resource: "UserConsentRequest",
	Zero: func() map[string]any { return userConsentRequestView(&UserConsentRequest{}) },
	// "userConsentRequest resource type": status, reason and
	// createdDateTime support $filter (eq) and $orderby.
	Filter:  map[string]string{"status": "eq", "reason": "eq", "createdDateTime": "eq"},
	OrderBy: []string{"status", "reason", "createdDateTime"},
}

var typeApproval = &graphType{
	Name: "microsoft.graph.approval", Resource: "Approval",
	Zero: func() map[string]any { return map[string]any{"id": ""} },
}

var typeApprovalStage = &graphType{
	Name: "microsoft.graph.approvalStage", Resource: "ApprovalStage",
	Zero: func() map[string]any { return approvalStageView(&ApprovalStage{}, "") },
}

func appConsentRequestView(r *AppConsentRequest) map[string]any {
	scopes := []map[string]any{}
	for _, s := range r.pendingScopes() {
		scopes = append(scopes, map[string]any{"displayName": s})
	}
	return map[string]any{"id": r.ID, "appId": r.AppID, "appDisplayName": nullable(r.AppDisplayName), "pendingScopes": scopes}
}

// appConsentRequestFilterRecord adds the userConsentRequests relationship
// for $filter's any() lambda.
func appConsentRequestFilterRecord(r *AppConsentRequest) map[string]any {
	v := appConsentRequestView(r)
	users := []any{}
	for _, u := range r.UserRequests {
		users = append(users, userConsentRequestView(u))
	}
	v["userConsentRequests"] = users
	return v
}

func userConsentRequestView(u *UserConsentRequest) map[string]any {
	var completed any
	if !u.CompletedDateTime.IsZero() {
		completed = isoTime(u.CompletedDateTime)
	}
	var created any
	if !u.CreatedDateTime.IsZero() {
		created = isoTime(u.CreatedDateTime)
	}
	return map[string]any{
		"id": u.ID, "approvalId": u.ID, "reason": nullable(u.Reason), "status": u.Status, "customData": nil,
		"createdDateTime": created, "completedDateTime": completed,
		"createdBy": map[string]any{"user": map[string]any{"id": u.UserID, "displayName": u.UserDisplayName, "userPrincipalName": u.UserPrincipalName},
			"application": nil, "device": nil},
	}
}

func approvalStageView(s *ApprovalStage, callerID string) map[string]any {
	var reviewedBy, reviewed any
	if s.ReviewerID != "" {
		reviewedBy = map[string]any{"id": s.ReviewerID, "displayName": s.ReviewerName}
	}
	if !s.ReviewedDateTime.IsZero() {
		reviewed = isoTime(s.ReviewedDateTime)
	}
	// assignedToMe: every administrator who may review is assigned in the
	// emulator (it does not evaluate the policy's reviewer queries).
	return map[string]any{"id": s.ID, "displayName": nil, "status": s.Status, "reviewResult": s.ReviewResult,
		"justification": nullable(s.Justification), "reviewedBy": reviewedBy, "reviewedDateTime": reviewed,
		"assignedToMe": callerID != ""}
}

const appConsentPath = "identityGovernance/appConsent/appConsentRequests"

func (c *graphCall) findAppConsentRequest() (*AppConsentRequest, *graphError) {
	id := c.params["request"]
	for _, r := range c.tenant.AppConsentRequests {
		if strings.EqualFold(r.ID, id) {
			return r, nil
		}
	}
	return nil, errNotFound(id)
}

func (c *graphCall) findUserConsentRequest() (*AppConsentRequest, *UserConsentRequest, *graphError) {
	r, gerr := c.findAppConsentRequest()
	if gerr != nil {
		return nil, nil, gerr
	}
	id := c.params["userRequest"]
	for _, u := range r.UserRequests {
		if strings.EqualFold(u.ID, id) {
			return r, u, nil
		}
	}
	return nil, nil, errNotFound(id)
}

// listAppConsentRequests implements "List appConsentRequests"
// (learn.microsoft.com/graph/api/appconsentapprovalroute-list-appconsentrequests):
// $filter with eq, and with any() on userConsentRequests, e.g.
// userConsentRequests/any(u:u/status eq 'InProgress').
func (c *graphCall) listAppConsentRequests() *graphError {
	views := []map[string]any{}
	for _, r := range c.tenant.AppConsentRequests {
		views = append(views, appConsentRequestFilterRecord(r))
	}
	views, gerr := c.query.apply(views, c.route.Type)
	if gerr != nil {
		return gerr
	}
	for _, v := range views {
		delete(v, "userConsentRequests") // a relationship: only with $expand
	}
	// Filtered here, where the relationship was still there to filter on.
	filter := c.query.Filter
	c.query.Filter = nil
	defer func() { c.query.Filter = filter }()
	return c.writeCollection(appConsentPath, views)
}

// getAppConsentRequest implements "Get appConsentRequest".
func (c *graphCall) getAppConsentRequest() *graphError {
	r, gerr := c.findAppConsentRequest()
	if gerr != nil {
		return gerr
	}
	return c.writeEntity(http.StatusOK, appConsentPath+"/$entity", appConsentRequestView(r))
}

// listUserConsentRequests implements "List userConsentRequests"
// (learn.microsoft.com/graph/api/appconsentrequest-list-userconsentrequests).
func (c *graphCall) listUserConsentRequests() *graphError {
	r, gerr := c.findAppConsentRequest()
	if gerr != nil {
		return gerr
	}
	views := []map[string]any{}
	for _, u := range r.UserRequests {
		views = append(views, userConsentRequestView(u))
	}
	return c.writeCollection(appConsentPath+"('"+r.ID+"')/userConsentRequests", views)
}

// getUserConsentRequest implements "Get userConsentRequest".
func (c *graphCall) getUserConsentRequest() *graphError {
	r, u, gerr := c.findUserConsentRequest()
	if gerr != nil {
		return gerr
	}
	return c.writeEntity(http.StatusOK, appConsentPath+"('"+r.ID+"')/userConsentRequests/$entity", userConsentRequestView(u))
}

// getApproval serves a request's approval; its id is the request's
// ("userConsentRequest resource type": approvalId equals id).
func (c *graphCall) getApproval() *graphError {
	r, u, gerr := c.findUserConsentRequest()
	if gerr != nil {
		return gerr
	}
	return c.writeEntity(http.StatusOK, appConsentPath+"('"+r.ID+"')/userConsentRequests('"+u.ID+"')/approval/$entity", map[string]any{"id": u.ID})
}

// listApprovalStages serves the approval's one stage.
func (c *graphCall) listApprovalStages() *graphError {
	r, u, gerr := c.findUserConsentRequest()
	if gerr != nil {
		return gerr
	}
	return c.writeCollection(appConsentPath+"('"+r.ID+"')/userConsentRequests('"+u.ID+"')/approval/stages",
		[]map[string]any{approvalStageView(&u.Stage, c.callerID())})
}

func (c *graphCall) callerID() string {
	if c.caller != nil {
		return c.caller.ID
	}
	return ""
}

// patchApprovalStage records a reviewer's decision, as "Update
// approvalStage" documents it (learn.microsoft.com/graph/api/
// approvalstage-update): reviewResult Approve or Deny (required) and a
// justification; 204 No Content, and 409 Conflict when the stage was
// decided already. The user's request is then Completed. Recording an
// approval grants nothing: the portal approves by granting admin consent
// ("Review admin consent requests", learn.microsoft.com/entra/identity/
// enterprise-apps/review-admin-consent-requests), and the API's docs say
// nothing of a grant, so the emulator leaves the grant to the caller (a
// guess). Only a signed-in reviewer decides (the page lists no
// application permission for it).
func (c *graphCall) patchApprovalStage() *graphError {
	_, u, gerr := c.findUserConsentRequest()
	if gerr != nil {
		return gerr
	}
	if !strings.EqualFold(c.params["stage"], u.Stage.ID) {
		return errNotFound(c.params["stage"])
	}
	if c.caller == nil {
		return newGraphError(http.StatusForbidden, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")
	}
	body, gerr := c.decodeJSONBody()
	if gerr != nil {
		return gerr
	}
	spec := propSpec{Type: "microsoft.graph.approvalStage", Writable: []string{"reviewResult", "justification"},
		ReadOnly: []string{"id", "displayName", "status", "assignedToMe", "reviewedBy", "reviewedDateTime"}}
	if gerr := checkBodyProps(body, spec); gerr != nil {
		return gerr
	}
	var result, justification string
	if gerr := field(body, "reviewResult", &result); gerr != nil {
		return gerr
	}
	if gerr := field(body, "justification", &justification); gerr != nil {
		return gerr
	}
	if result != ReviewApprove && result != ReviewDeny {
		return errInvalidProperty("reviewResult", "ApprovalStage")
	}
	if u.Stage.Status == ConsentRequestCompleted || u.Status != ConsentRequestInProgress {
		return newGraphError(http.StatusConflict, "Request_Conflict", "The request has already been reviewed.")
	}
	now := c.now.UTC()
	u.Stage = ApprovalStage{ID: u.Stage.ID, Status: ConsentRequestCompleted, ReviewResult: result, Justification: justification,
		ReviewerID: c.caller.ID, ReviewerName: c.caller.DisplayName, ReviewedDateTime: now}
	u.Status, u.CompletedDateTime = ConsentRequestCompleted, now
	return c.noContent()
}
